import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor } from '@testing-library/react';
import { renderMultivacPage } from '../../__testUtils__/render';

// A file of its own: usePermission caches the policy's answer per module.
describe('AlertsListPage without multivac.integration.manage', () => {
  it('neither links to nor lists the integrations', async () => {
    const api = await renderMultivacPage('/multivac/alerts?integration=prom', {
      permission: request =>
        request.permission.name === 'multivac.integration.manage'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    await waitFor(() =>
      expect(api.listAlerts).toHaveBeenCalledWith(
        expect.objectContaining({ integration: 'prom' }),
      ),
    );
    await screen.findByText('No alerts match these filters.');
    expect(
      screen.queryByRole('button', { name: 'Integrations' }),
    ).not.toBeInTheDocument();
    expect(api.listAlertIntegrations).not.toHaveBeenCalled();
    // the link's filter still shows
    expect(screen.getByLabelText('Integration')).toHaveTextContent('prom');
  });
});
