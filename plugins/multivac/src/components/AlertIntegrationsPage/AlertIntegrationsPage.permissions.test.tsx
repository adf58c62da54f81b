import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { renderMultivacPage } from '../../__testUtils__/render';

// A file of its own: usePermission caches the policy's answer per module.
describe('AlertIntegrationsPage without multivac.integration.manage', () => {
  it('explains instead of listing integrations', async () => {
    const api = await renderMultivacPage('/multivac/alerts/integrations', {
      permission: AuthorizeResult.DENY,
    });
    expect(
      await screen.findByText(/Integrations are for admins/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'New integration' }),
    ).not.toBeInTheDocument();
    expect(api.listAlertIntegrations).not.toHaveBeenCalled();
    expect(api.listAlertDeadLetters).not.toHaveBeenCalled();
  });
});
