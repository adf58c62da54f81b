import { toWikiMarkup } from './wiki';
import { postmortemRequest } from './__testUtils__/fixtures';

describe('toWikiMarkup', () => {
  it('renders every block kind, separated by blank lines', () => {
    expect(toWikiMarkup(postmortemRequest().description)).toBe(
      [
        'h2. Summary',
        'Checkout failed for 7 minutes.',
        '* *Severity:* SEV2\n* *Duration:* 7 minutes 50.2 seconds',
        '* Ada Lovelace (controller)\n* Grace Hopper',
        '[Incident INC\\-42|https://portal.nimbus.example/multivac/incidents/42]',
      ].join('\n\n'),
    );
  });

  it('escapes markup so that text shows as written', () => {
    expect(
      toWikiMarkup([
        {
          type: 'paragraph',
          text: '*not bold* _not italic_ {code} [not a link|x] !img! a|b #1 -x- +y+ ^z^ ~w~ ??c??',
        },
      ]),
    ).toBe(
      '\\*not bold\\* \\_not italic\\_ \\{code\\} \\[not a link\\|x\\] \\!img\\! ' +
        'a\\|b \\#1 \\-x\\- \\+y\\+ \\^z\\^ \\~w\\~ \\?\\?c\\?\\?',
    );
  });

  it('writes a backslash as an entity, since \\\\ is a line break', () => {
    expect(
      toWikiMarkup([{ type: 'paragraph', text: 'C:\\temp\\\\logs' }]),
    ).toBe('C:&#92;temp&#92;&#92;logs');
  });

  it('keeps a list item with line breaks one item', () => {
    expect(
      toWikiMarkup([{ type: 'bullets', items: ['first\nsecond', ''] }]),
    ).toBe('* first \\\\ second\n* ');
  });

  it('keeps a heading on one line and leaves out empty blocks', () => {
    expect(
      toWikiMarkup([
        { type: 'heading', text: 'What went\nwell' },
        { type: 'heading', text: '' },
        { type: 'bullets', items: [] },
        { type: 'paragraph', text: 'Done.' },
      ]),
    ).toBe('h2. What went well\n\nDone.');
  });

  it('keeps a link whole, and writes one to a non-URL as text', () => {
    expect(
      toWikiMarkup([
        {
          type: 'link',
          text: 'Logs',
          href: 'https://logs.nimbus.example/?q=a|b [x]',
        },
        { type: 'link', text: '', href: 'https://portal.nimbus.example/pm/42' },
        { type: 'link', text: 'Runbook', href: 'ask Ada' },
      ]),
    ).toBe(
      '[Logs|https://logs.nimbus.example/?q=a%7Cb%20%5Bx%5D]\n\n' +
        '[https://portal.nimbus.example/pm/42]\n\n' +
        'Runbook (ask Ada)',
    );
  });
});
