import { formatDateTime } from '@multivac/plugin-multivac-common';
import { unescapeMrkdwn } from '../messages';

/** `<...>` in mrkdwn: a link, a mention, a channel or a special token. */
const TOKEN = /<([^<>]+)>/g;
const USER_MENTION = /<@([A-Z0-9]+)(?:\|[^<>]*)?>/g;

/** `<!date^1741183440^{date_short_pretty} {time}|fallback>`: the epoch seconds. */
const DATE = /^!date\^(\d+)\^/;

/** Who reads the plain text: their IANA zone, for dates. */
export interface PlainTextReader {
  /** Slack user id → the person's name, for mentions. */
  names?: ReadonlyMap<string, string>;
  /** Dates are written in this zone, named; UTC when not given. */
  timeZone?: string;
}

/** The Slack user ids mentioned (`<@U123>`) in `mrkdwn`, once each. */
export function mentionedSlackIds(mrkdwn: string): string[] {
  return [...new Set([...mrkdwn.matchAll(USER_MENTION)].map(m => m[1]))];
}

function plainToken(
  token: string,
  { names = new Map(), timeZone = 'UTC' }: PlainTextReader,
): string {
  const date = DATE.exec(token);
  if (date) {
    return formatDateTime(Number(date[1]) * 1000, {
      zone: timeZone,
      locale: 'en-US',
    });
  }
  const bar = token.indexOf('|');
  const target = bar < 0 ? token : token.slice(0, bar);
  const label = bar < 0 ? undefined : unescapeMrkdwn(token.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return names.get(id) ?? label ?? `@${id}`;
  }
  if (target.startsWith('#')) {
    return `#${label ?? target.slice(1)}`;
  }
  if (target.startsWith('!')) {
    // `<!here>`, `<!channel>`, `<!subteam^ID|@team>`
    return label ?? `@${target.slice(1).split('^')[0]}`;
  }
  const url = unescapeMrkdwn(target);
  return label && label !== url ? `${label} (${url})` : url;
}

/**
 * Slack mrkdwn as terminal text: `<url|text>` becomes `text (url)`, user
 * mentions the person's name from `reader.names` (by Slack id), a date the
 * time in the reader's zone with the zone named ("Dec 7, 2026, 9:00 AM
 * CET"), `&amp;`, `&lt;` and `&gt;` their characters. `*bold*` and
 * `` `code` `` read well as they are.
 */
export function mrkdwnToPlainText(
  mrkdwn: string,
  reader: PlainTextReader = {},
): string {
  let plain = '';
  let rest = 0;
  for (const match of mrkdwn.matchAll(TOKEN)) {
    plain +=
      unescapeMrkdwn(mrkdwn.slice(rest, match.index)) +
      plainToken(match[1], reader);
    rest = match.index! + match[0].length;
  }
  return plain + unescapeMrkdwn(mrkdwn.slice(rest));
}
