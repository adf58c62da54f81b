import { Lexer, Token } from 'marked';

/**
 * Markdown as the plain text a reader sees, for the search index: headings,
 * emphasis, code fences, quotes, list markers and table pipes go, links and
 * images become their text, each block its own line. Raw HTML stays as the
 * text it is, as the portal shows it (CommonMark without HTML). Text without
 * Markdown comes back as it was, but for surrounding whitespace.
 */
export function markdownToPlainText(markdown: string): string {
  return plain(new Lexer({ gfm: true }).lex(markdown))
    .split('\n')
    .map(line => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Blocks end with a blank line, inline tokens are concatenated. */
function plain(tokens: Token[]): string {
  return tokens
    .map(token => {
      switch (token.type) {
        case 'heading':
        case 'paragraph':
          return `${plain(token.tokens ?? [])}\n\n`;
        case 'text':
          // A tight list item's text is a block with inline tokens.
          return token.tokens ? `${plain(token.tokens)}\n` : token.text;
        case 'code':
          return `${token.text}\n\n`;
        case 'list':
          return `${(token.items as Token[])
            .map(item =>
              plain('tokens' in item ? item.tokens ?? [] : []).trim(),
            )
            .join('\n')}\n\n`;
        case 'table':
          return `${[token.header, ...token.rows]
            .map((cells: { tokens: Token[] }[]) =>
              cells.map(cell => plain(cell.tokens).trim()).join('\t'),
            )
            .join('\n')}\n\n`;
        case 'image':
          return token.text;
        case 'codespan':
        case 'escape':
        case 'html':
          return token.text;
        case 'br':
          return '\n';
        case 'space':
        case 'hr':
        case 'def':
        case 'checkbox':
          return '';
        default:
          // blockquote, link, strong, em, del and extensions' containers.
          if ('tokens' in token && token.tokens) {
            return plain(token.tokens);
          }
          return 'text' in token && typeof token.text === 'string'
            ? token.text
            : '';
      }
    })
    .join('');
}
