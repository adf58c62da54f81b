import { screen, within } from '@testing-library/react';
import { aRelease } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { ReleasesTable } from './ReleasesTable';

describe('ReleasesTable', () => {
  it("writes each conflict's sentence under the version, not only in a tooltip", async () => {
    const sentence =
      'payments-api depends on ledger-service, which releases 14:00–14:30, overlapping by 20 minutes';
    await renderWithMultivac(
      <ReleasesTable
        title="Releases"
        releases={[
          {
            release: aRelease({
              reference: 'REL-2',
              title: 'v2.4.1',
              conflicts: [{ kind: 'dependency', sentence, blocking: true }],
            }),
          },
          {
            release: aRelease({
              id: 'other',
              reference: 'REL-3',
              title: 'v2.5.0',
            }),
          },
        ]}
      />,
    );
    const conflicted = screen.getByText('⚠ v2.4.1').closest('td')!;
    expect(within(conflicted).getByText(sentence)).toBeVisible();
    const plain = screen.getByText('v2.5.0').closest('td')!;
    expect(plain).toHaveTextContent(/^v2\.5\.0$/);
  });
});
