import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor } from '@testing-library/react';
import { renderMultivacPage } from '../../__testUtils__/render';

// A file of its own: usePermission caches the policy's answer per module.
describe('ReportDetailsPage without the paging and incident permissions', () => {
  it('shows the report but disables acknowledging and starting an incident', async () => {
    await renderMultivacPage('/multivac/reports/RPT-1', {
      permission: AuthorizeResult.DENY,
    });
    expect(
      await screen.findByText(
        'Paged Grace Hopper (level 1 of Payments primary)',
      ),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Acknowledge' }),
      ).toBeDisabled(),
    );
    expect(
      screen.getByRole('button', { name: 'Start incident' }),
    ).toBeDisabled();
  });
});
