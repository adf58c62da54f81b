import {
  Button,
  KnownBlock,
  MrkdwnElement,
  SectionBlock,
} from '@slack/web-api';
import { escapeMrkdwn } from './mrkdwn';

/** What `chat.postMessage` and `chat.update` take: the blocks and the notification text. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Slack rejects a message whose section text is longer. */
export const SECTION_TEXT_MAX = 3000;
/** Slack rejects a section field that is longer. */
export const FIELD_TEXT_MAX = 2000;
/** Slack rejects a header that is longer. */
export const HEADER_TEXT_MAX = 150;
/** Long free text (descriptions, reasons) is cut to this, escaped. */
export const LONG_TEXT_MAX = 2500;

/** Plain text cut to `max` characters, ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  const chars = Array.from(text.slice(0, max - 1));
  // slice may split a surrogate pair; Array.from leaves its half at the end
  if (/[\uD800-\uDBFF]$/.test(chars[chars.length - 1] ?? '')) {
    chars.pop();
  }
  return `${chars.join('')}…`;
}

/**
 * Escaped text of at most `max` characters. Escaping can make text five
 * times longer, so the escaped length is what counts, and an entity such as
 * `&amp;` is never cut in half.
 */
export function escapeTruncated(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) {
    return escaped;
  }
  let out = '';
  for (const char of text) {
    const next = escapeMrkdwn(char);
    if (out.length + next.length > max - 1) {
      break;
    }
    out += next;
  }
  return `${out}…`;
}

/** "a, b, c and 2 more"; items are shown as given (escape them first). */
export function listText(items: string[], shown = 5): string {
  if (items.length <= shown) {
    return items.length > 1
      ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
      : items.join('');
  }
  return `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}

/**
 * Lines joined by newlines within `max` characters: lines that do not fit
 * are left out and counted in a last line made by `more`.
 */
export function joinLines(
  lines: string[],
  max: number,
  more: (count: number) => string,
): string {
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const rest = lines.length - index - 1;
    const needed = line.length + (rest > 0 ? 1 + more(rest).length : 0);
    if (length + needed > max) {
      return [...kept, more(lines.length - index)].join('\n');
    }
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join('\n');
}

export function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text };
}

/** A section of mrkdwn, cut to Slack's limit as a last resort. */
export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(truncate(text, SECTION_TEXT_MAX)) };
}

/** A section of `*label*\nvalue` fields. */
export function fields(
  items: Array<[label: string, value: string]>,
): SectionBlock {
  return {
    type: 'section',
    fields: items.map(([label, value]) =>
      mrkdwn(truncate(`*${label}*\n${value}`, FIELD_TEXT_MAX)),
    ),
  };
}

export function button(
  text: string,
  actionId: string,
  value: string,
  extra: Pick<Button, 'style' | 'confirm'> = {},
): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text },
    action_id: actionId,
    value,
    ...extra,
  };
}
