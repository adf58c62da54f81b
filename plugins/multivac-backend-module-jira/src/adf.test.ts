import { toAdf } from './adf';
import { validateAdf } from './__testUtils__/validateAdf';
import { postmortemRequest } from './__testUtils__/fixtures';

describe('toAdf', () => {
  it('renders every block kind as a valid ADF v1 document', () => {
    const document = toAdf(postmortemRequest().description);

    expect(validateAdf(document)).toEqual([]);
    expect(document).toEqual({
      version: 1,
      type: 'doc',
      content: [
        {
          type: 'heading',
          attrs: { level: 2 },
          content: [{ type: 'text', text: 'Summary' }],
        },
        {
          type: 'paragraph',
          content: [{ type: 'text', text: 'Checkout failed for 7 minutes.' }],
        },
        {
          type: 'bulletList',
          content: [
            listItem([
              { type: 'text', text: 'Severity:', marks: [{ type: 'strong' }] },
              { type: 'text', text: ' SEV2' },
            ]),
            listItem([
              { type: 'text', text: 'Duration:', marks: [{ type: 'strong' }] },
              { type: 'text', text: ' 7 minutes 50.2 seconds' },
            ]),
          ],
        },
        {
          type: 'bulletList',
          content: [
            listItem([{ type: 'text', text: 'Ada Lovelace (controller)' }]),
            listItem([{ type: 'text', text: 'Grace Hopper' }]),
          ],
        },
        {
          type: 'paragraph',
          content: [
            {
              type: 'text',
              text: 'Incident INC-42',
              marks: [
                {
                  type: 'link',
                  attrs: {
                    href: 'https://portal.nimbus.example/multivac/incidents/42',
                  },
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('turns line breaks into hardBreak nodes and never writes empty text', () => {
    const document = toAdf([
      { type: 'paragraph', text: 'First line\n\nThird line\n' },
      { type: 'paragraph', text: '' },
    ]);

    expect(validateAdf(document)).toEqual([]);
    expect(document.content).toEqual([
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'First line' },
          { type: 'hardBreak' },
          { type: 'hardBreak' },
          { type: 'text', text: 'Third line' },
          { type: 'hardBreak' },
        ],
      },
      { type: 'paragraph', content: [] },
    ]);
  });

  it('leaves out what ADF cannot hold: empty lists and headings', () => {
    const document = toAdf([
      { type: 'heading', text: '  ' },
      { type: 'bullets', items: [] },
      { type: 'facts', items: [] },
    ]);

    expect(document.content).toEqual([]);
  });

  it('keeps empty list items and facts without a value valid', () => {
    const document = toAdf([
      { type: 'bullets', items: ['', 'second'] },
      {
        type: 'facts',
        items: [
          { label: 'Owner', value: '' },
          { label: '', value: 'unlabelled' },
        ],
      },
    ]);

    expect(validateAdf(document)).toEqual([]);
    expect(document.content[1].content).toEqual([
      listItem([{ type: 'text', text: 'Owner:', marks: [{ type: 'strong' }] }]),
      listItem([{ type: 'text', text: 'unlabelled' }]),
    ]);
  });

  it('writes a link whose address is not a URL as plain text', () => {
    const document = toAdf([
      { type: 'link', text: 'Runbook', href: 'see the wiki' },
      { type: 'link', text: '', href: 'https://runbooks.nimbus.example/pay' },
    ]);

    expect(validateAdf(document)).toEqual([]);
    expect(document.content).toEqual([
      {
        type: 'paragraph',
        content: [{ type: 'text', text: 'Runbook (see the wiki)' }],
      },
      {
        type: 'paragraph',
        content: [
          {
            type: 'text',
            text: 'https://runbooks.nimbus.example/pay',
            marks: [
              {
                type: 'link',
                attrs: { href: 'https://runbooks.nimbus.example/pay' },
              },
            ],
          },
        ],
      },
    ]);
  });

  it('keeps a heading on one line', () => {
    expect(toAdf([{ type: 'heading', text: 'What went\nwell' }])).toEqual({
      version: 1,
      type: 'doc',
      content: [
        {
          type: 'heading',
          attrs: { level: 2 },
          content: [{ type: 'text', text: 'What went well' }],
        },
      ],
    });
  });
});

function listItem(content: object[]) {
  return { type: 'listItem', content: [{ type: 'paragraph', content }] };
}
