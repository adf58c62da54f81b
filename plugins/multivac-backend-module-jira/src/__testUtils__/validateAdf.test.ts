import { validateAdf } from './validateAdf';

const doc = (...content: unknown[]) => ({ version: 1, type: 'doc', content });
const paragraph = (...content: unknown[]) => ({ type: 'paragraph', content });
const text = (value: string, marks?: unknown[]) => ({
  type: 'text',
  text: value,
  ...(marks && { marks }),
});

describe('validateAdf', () => {
  it("accepts Atlassian's documented examples", () => {
    expect(
      validateAdf(
        doc(
          paragraph(text('Hello '), text('world', [{ type: 'strong' }])),
          {
            type: 'heading',
            attrs: { level: 1 },
            content: [text('Heading 1')],
          },
          {
            type: 'bulletList',
            content: [
              { type: 'listItem', content: [paragraph(text('Hello world'))] },
            ],
          },
          {
            type: 'orderedList',
            attrs: { order: 3 },
            content: [
              {
                type: 'listItem',
                content: [
                  paragraph(text('Hello')),
                  {
                    type: 'bulletList',
                    content: [{ type: 'listItem', content: [paragraph()] }],
                  },
                ],
              },
            ],
          },
          paragraph(
            text('Hello world', [
              {
                type: 'link',
                attrs: { href: 'http://atlassian.com', title: 'Atlassian' },
              },
            ]),
            { type: 'hardBreak' },
            text('x', [
              { type: 'code' },
              { type: 'link', attrs: { href: 'https://a.example' } },
            ]),
          ),
          {
            type: 'codeBlock',
            attrs: { language: 'js' },
            content: [text('let x')],
          },
          { type: 'rule' },
          { type: 'blockquote', content: [paragraph(text('quoted'))] },
          { type: 'paragraph' },
        ),
      ),
    ).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['a string', 'Checkout failed', 'the document must be an object'],
    [
      'version 2',
      { version: 2, type: 'doc', content: [] },
      'version: must be 1',
    ],
    [
      'another root type',
      { version: 1, type: 'paragraph', content: [] },
      "type: must be 'doc'",
    ],
    ['no content', { version: 1, type: 'doc' }, 'content: must be an array'],
    ['an unknown root key', { ...doc(), title: 'x' }, 'title: is not allowed'],
    [
      'an empty text node',
      doc(paragraph(text(''))),
      'content[0].content[0].text: must be a non-empty string',
    ],
    [
      'text at the top level',
      doc(text('loose')),
      'content[0]: text is not allowed here',
    ],
    [
      'an unknown node',
      doc({ type: 'table', content: [] }),
      'content[0]: table is not allowed here',
    ],
    [
      'a heading without level',
      doc({ type: 'heading', content: [text('x')] }),
      'content[0].attrs: required (level)',
    ],
    [
      'a heading of level 7',
      doc({ type: 'heading', attrs: { level: 7 } }),
      'content[0].attrs.level: must be an integer from 1 to 6',
    ],
    [
      'an unknown attribute',
      doc({ type: 'heading', attrs: { level: 1, color: 'red' } }),
      'content[0].attrs.color: is not an attribute of this type',
    ],
    [
      'an empty list',
      doc({ type: 'bulletList', content: [] }),
      'content[0].content: bulletList needs at least 1 child node',
    ],
    [
      'a list of paragraphs',
      doc({ type: 'bulletList', content: [paragraph(text('x'))] }),
      'content[0].content[0]: paragraph is not allowed here',
    ],
    [
      'a list item starting with a list',
      doc({
        type: 'bulletList',
        content: [
          {
            type: 'listItem',
            content: [
              {
                type: 'bulletList',
                content: [{ type: 'listItem', content: [paragraph()] }],
              },
            ],
          },
        ],
      }),
      'content[0].content[0].content[0]: bulletList is not allowed here',
    ],
    [
      'a link without href',
      doc(paragraph(text('x', [{ type: 'link', attrs: {} }]))),
      'content[0].content[0].marks[0].attrs.href: is required',
    ],
    [
      'a link to a non-URI',
      doc(
        paragraph(text('x', [{ type: 'link', attrs: { href: 'not a uri' } }])),
      ),
      'content[0].content[0].marks[0].attrs.href: must be a URI',
    ],
    [
      'an unknown mark',
      doc(paragraph(text('x', [{ type: 'blink' }]))),
      'content[0].content[0].marks[0]: must be one of the marks',
    ],
    [
      'a mark twice',
      doc(paragraph(text('x', [{ type: 'strong' }, { type: 'strong' }]))),
      'content[0].content[0].marks[1]: strong is applied twice',
    ],
    [
      'code with strong',
      doc(paragraph(text('x', [{ type: 'code' }, { type: 'strong' }]))),
      'content[0].content[0].marks: code can only be combined with link',
    ],
    [
      'marked text in a code block',
      doc({ type: 'codeBlock', content: [text('x', [{ type: 'em' }])] }),
      'content[0].content[0].marks: text in a code block cannot have marks',
    ],
    [
      'marks on a paragraph',
      doc({ ...paragraph(), marks: [] }),
      'content[0].marks: is not allowed',
    ],
    [
      'content in a rule',
      doc({ type: 'rule', content: [] }),
      'content[0].content: is not allowed',
    ],
  ])('rejects %s', (_, document, problem) => {
    expect(validateAdf(document).join('\n')).toContain(problem);
  });
});
