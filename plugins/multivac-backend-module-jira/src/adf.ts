import { TrackerBlock } from '@multivac/plugin-multivac-node';

/** A mark of Atlassian Document Format (ADF) v1, e.g. `strong` or `link`. */
export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}

/** A node of an ADF v1 document. */
export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: AdfMark[];
}

export interface AdfDocument {
  version: 1;
  type: 'doc';
  content: AdfNode[];
}

const STRONG: AdfMark = { type: 'strong' };
/** Level 1 is left to the summary. */
const HEADING_LEVEL = 2;

/**
 * The blocks as an ADF v1 document, the description format of Jira Cloud's
 * REST API v3. Only what Jira accepts is produced: no empty text nodes, no
 * empty lists, line breaks as `hardBreak`, links only to parseable URLs.
 */
export function toAdf(blocks: TrackerBlock[]): AdfDocument {
  return { version: 1, type: 'doc', content: blocks.flatMap(toNodes) };
}

function toNodes(block: TrackerBlock): AdfNode[] {
  switch (block.type) {
    case 'heading': {
      const content = inline(block.text.replace(/\s*\n\s*/g, ' ').trim());
      return content.length > 0
        ? [{ type: 'heading', attrs: { level: HEADING_LEVEL }, content }]
        : [];
    }
    case 'paragraph':
      return [paragraph(inline(block.text))];
    case 'facts':
      return bulletList(
        block.items.map(({ label, value }) => [
          ...inline(label ? `${label}:` : '', [STRONG]),
          ...inline(value && label ? ` ${value}` : value),
        ]),
      );
    case 'bullets':
      return bulletList(block.items.map(item => inline(item)));
    case 'link':
      return [paragraph(link(block.text, block.href))];
    default:
      return [];
  }
}

function paragraph(content: AdfNode[]): AdfNode {
  return { type: 'paragraph', content };
}

/** A list needs at least one item; an item, a first paragraph. */
function bulletList(items: AdfNode[][]): AdfNode[] {
  return items.length === 0
    ? []
    : [
        {
          type: 'bulletList',
          content: items.map(content => ({
            type: 'listItem',
            content: [paragraph(content)],
          })),
        },
      ];
}

function link(text: string, href: string): AdfNode[] {
  if (!URL.canParse(href)) {
    return inline(text ? `${text} (${href})` : href);
  }
  return inline(text || href, [{ type: 'link', attrs: { href } }]);
}

/** Text nodes, with a `hardBreak` for each line break; never empty ones. */
function inline(text: string, marks?: AdfMark[]): AdfNode[] {
  return text
    .split(/\r?\n/)
    .flatMap((line, index) => [
      ...(index > 0 ? [{ type: 'hardBreak' }] : []),
      ...(line ? [{ type: 'text', text: line, ...(marks && { marks }) }] : []),
    ]);
}
