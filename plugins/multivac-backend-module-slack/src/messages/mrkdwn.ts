import { formatDateTime } from '@multivac/plugin-multivac-common';

/**
 * Slack mrkdwn building blocks. Slack parses `<...>` as links, mentions and
 * `<!channel>`-style broadcasts, so text from people must be escaped.
 */

export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Slack's message text back to what was typed (`&lt;` → `<`). */
export function unescapeMrkdwn(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function mention(slackUserId: string): string {
  return `<@${slackUserId}>`;
}

export function channelLink(channelId: string): string {
  return `<#${channelId}>`;
}

/** `<url|text>`; a `|` in the URL would end it early, so it is encoded. */
export function link(url: string, text: string): string {
  return `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(text)}>`;
}

/**
 * A time shown in each reader's own time zone, e.g. "Mar 5, 2025 14:03";
 * clients that cannot format it (and notifications) show it in UTC, named:
 * "Mar 5, 2025, 2:03 PM UTC". The terminal shell writes it in the reader's
 * zone (see `mrkdwnToPlainText`).
 */
export function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    return escapeMrkdwn(iso);
  }
  return `<!date^${Math.floor(
    ms / 1000,
  )}^{date_short_pretty} {time}|${escapeMrkdwn(
    formatDateTime(ms, { zone: 'UTC', locale: 'en-US' }),
  )}>`;
}
