import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor } from '@testing-library/react';
import { renderMultivacPage } from '../../__testUtils__/render';

// A file of its own: usePermission caches the policy's answer per module.
describe('AlertGroupPage without multivac.alert.update', () => {
  it('disables Acknowledge and Start incident', async () => {
    await renderMultivacPage('/multivac/alerts/groups/group-1', {
      permission: request =>
        request.permission.name === 'multivac.alert.update'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    await screen.findByRole('heading', { name: 'Alerts on payments-api' });
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Start incident' }),
      ).toBeDisabled(),
    );
    expect(screen.getByRole('button', { name: 'Acknowledge' })).toBeDisabled();
  });
});
