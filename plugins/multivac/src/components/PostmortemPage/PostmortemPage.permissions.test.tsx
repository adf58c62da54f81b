import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor } from '@testing-library/react';
import {
  anActionItem,
  aPostmortem,
  mockMultivacApi,
} from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';

// A file of its own: usePermission caches the policy's answer per module.
describe('PostmortemPage for someone who may only read it', () => {
  it('shows it without editors, and allows only the export', async () => {
    await renderMultivacPage('/multivac/postmortems/PM-1', {
      permission: AuthorizeResult.DENY,
      api: mockMultivacApi({
        getPostmortem: jest.fn(async () =>
          aPostmortem({ actionItems: [anActionItem()] }),
        ),
      }),
    });
    await screen.findByRole('heading', {
      name: 'Post-mortem: Card payments failing',
    });
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Send for review' }),
      ).toBeDisabled(),
    );
    expect(
      screen.queryByLabelText('Summary (Markdown)'),
    ).not.toBeInTheDocument();
    expect(screen.getAllByRole('tab', { name: 'Edit' })[0]).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Save Summary' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Edit' })).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Add action item' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('checkbox', {
        name: 'Done: Alert on ledger p99 latency',
      }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Export Markdown' }),
    ).toBeEnabled();
  });
});
