import { markdownToPlainText } from './plainText';

describe('markdownToPlainText', () => {
  it('keeps the words of headings, emphasis and inline code, not their marks', () => {
    expect(
      markdownToPlainText(
        '## Root cause\n\nAn **expired** _intermediate_ ~~root~~ certificate in `tls.pem`.',
      ),
    ).toBe(
      'Root cause\n\nAn expired intermediate root certificate in tls.pem.',
    );
  });

  it('turns links into their text and images into their description', () => {
    expect(
      markdownToPlainText(
        'See [the runbook](https://wiki.example.com/runbook "Runbook") and ' +
          '<https://status.example.com>. ![Error rate at 40%](graph.png)',
      ),
    ).toBe('See the runbook and https://status.example.com. Error rate at 40%');
  });

  it('keeps a code block’s code without its fence', () => {
    expect(
      markdownToPlainText(
        'Renewed with:\n\n```sh\nopenssl x509 -in tls.pem -noout -dates\n```\n',
      ),
    ).toBe('Renewed with:\n\nopenssl x509 -in tls.pem -noout -dates');
  });

  it('puts each list item on its own line, without bullets, numbers or task boxes', () => {
    expect(
      markdownToPlainText(
        [
          '- Payments API *returned* 502',
          '- Refunds queued',
          '  1. EU first',
          '  2. then the US',
          '- [x] Acquirer informed',
        ].join('\n'),
      ),
    ).toBe(
      [
        'Payments API returned 502',
        'Refunds queued',
        'EU first',
        'then the US',
        'Acquirer informed',
      ].join('\n'),
    );
  });

  it('writes a table as rows of tab-separated cells', () => {
    expect(
      markdownToPlainText(
        [
          '| Region | Declined |',
          '| ------ | -------: |',
          '| **EU** | 12%      |',
          '| [US](https://x.example.com) | 3% |',
        ].join('\n'),
      ),
    ).toBe('Region\tDeclined\nEU\t12%\nUS\t3%');
  });

  it('drops quote marks, rules and escapes', () => {
    expect(
      markdownToPlainText(
        '> The acquirer said so\n\n---\n\n2 \\* 3 \\# not a heading',
      ),
    ).toBe('The acquirer said so\n\n2 * 3 # not a heading');
  });

  it('keeps raw HTML as the text it is, as the portal shows it', () => {
    expect(markdownToPlainText('Checkout shows <b>Error</b>')).toBe(
      'Checkout shows <b>Error</b>',
    );
  });

  it('leaves text without Markdown as it was', () => {
    const text =
      'Card authorisations time out for EU shoppers (about 40%), since 14:05.';
    expect(markdownToPlainText(`  ${text}\n`)).toBe(text);
    expect(markdownToPlainText('')).toBe('');
  });
});
