import { TrackerBlock } from '@multivac/plugin-multivac-node';

/**
 * Characters that start or end wiki markup (bold, italics, deletions,
 * monospace, links, images, tables, lists) and the escape character.
 */
const MARKUP = /[\\*_?\-+^~{}[\]|!#]/g;

/**
 * The blocks as Jira wiki markup, the description format of Jira Data
 * Center's REST API v2. Text is escaped so that it shows as written.
 */
export function toWikiMarkup(blocks: TrackerBlock[]): string {
  return blocks
    .map(toWiki)
    .filter(text => text !== '')
    .join('\n\n');
}

function toWiki(block: TrackerBlock): string {
  switch (block.type) {
    case 'heading': {
      const text = escape(block.text.replace(/\s*\n\s*/g, ' ')).trim();
      return text && `h2. ${text}`;
    }
    case 'paragraph':
      return escape(block.text);
    case 'facts':
      return block.items
        .map(
          ({ label, value }) =>
            `* ${label ? `*${escape(label)}:* ` : ''}${listText(value)}`,
        )
        .join('\n');
    case 'bullets':
      return block.items.map(item => `* ${listText(item)}`).join('\n');
    case 'link':
      return link(block.text, block.href);
    default:
      return '';
  }
}

function link(text: string, href: string): string {
  if (!URL.canParse(href)) {
    return escape(text ? `${text} (${href})` : href);
  }
  // `|`, `[`, `]` and spaces would end the link early.
  const url = href.replace(
    /[|[\] ]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return text ? `[${escape(text)}|${url}]` : `[${url}]`;
}

/** A list item stays one item: its line breaks become `\\` breaks. */
function listText(text: string): string {
  return escape(text).split(/\r?\n/).join(' \\\\ ');
}

/**
 * A backslash is written as an entity: `\\` is a line break in wiki markup,
 * and a single one would escape the next character.
 */
function escape(text: string): string {
  return text.replace(MARKUP, c => (c === '\\' ? '&#92;' : `\\${c}`));
}
