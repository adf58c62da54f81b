import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  configure,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { Route, Routes, useLocation } from 'react-router-dom';
import { anAlert, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { MultivacPage } from '../MultivacPage';

configure({ asyncUtilTimeout: 5_000 });

/** Shows the query string, to check what a shared link would hold. */
const Location = () => <output>{useLocation().search}</output>;

function openAlerts(
  path: string,
  api = mockMultivacApi(),
  permission = AuthorizeResult.ALLOW,
) {
  return renderWithMultivac(
    <>
      <Routes>
        <Route path="/multivac/*" element={<MultivacPage />} />
      </Routes>
      <Location />
    </>,
    { api, routeEntries: [path], permission },
  );
}

describe('AlertsListPage', () => {
  it('reads its filters from the link and lists the alerts they match', async () => {
    const api = await openAlerts(
      '/multivac/alerts?status=resolved&urgency=high&integration=prom&entityRef=group%3Adefault%2Fpayments&page=1',
      mockMultivacApi({
        listAlerts: jest.fn(async () => ({
          items: [anAlert({ status: 'resolved' })],
          totalCount: 26,
        })),
      }),
    );
    const link = await screen.findByRole('link', {
      name: 'Checkout error rate above 5%',
    });
    expect(link).toHaveAttribute('href', '/multivac/alerts/groups/group-1');
    expect(api.listAlerts).toHaveBeenCalledWith({
      status: 'resolved',
      urgency: 'high',
      integration: 'prom',
      entityRef: 'group:default/payments',
      limit: 25,
      offset: 25,
    });
    const row = link.closest('tr')!;
    expect(within(row).getByText('resolved')).toBeInTheDocument();
    expect(within(row).getByText('high urgency')).toBeInTheDocument();
    expect(within(row).getByText('critical')).toBeInTheDocument();
    expect(within(row).getByText('prom')).toBeInTheDocument();
    expect(
      within(row).getByRole('link', { name: 'payments-api' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Alerts (26)')).toBeInTheDocument();
  });

  it('shows firing alerts by default and writes a changed filter into the link', async () => {
    const api = await openAlerts('/multivac/alerts?urgency=low&page=2');
    await waitFor(() =>
      expect(api.listAlerts).toHaveBeenCalledWith({
        status: 'firing',
        urgency: 'low',
        integration: undefined,
        entityRef: undefined,
        limit: 25,
        offset: 50,
      }),
    );

    fireEvent.mouseDown(screen.getByLabelText('Status'));
    fireEvent.click(within(screen.getByRole('listbox')).getByText('All'));
    await waitFor(() =>
      expect(api.listAlerts).toHaveBeenLastCalledWith({
        status: undefined,
        urgency: 'low',
        integration: undefined,
        entityRef: undefined,
        limit: 25,
        offset: 0,
      }),
    );
    // the other filters stay, the page starts again
    expect(screen.getByRole('status')).toHaveTextContent(
      '?status=all&urgency=low',
    );
  });

  it('offers the integrations to filter by, and their admin page, to admins', async () => {
    const api = await openAlerts('/multivac/alerts');
    expect(
      await screen.findByRole('button', { name: 'Integrations' }),
    ).toHaveAttribute('href', '/multivac/alerts/integrations');
    await waitFor(() => expect(api.listAlertIntegrations).toHaveBeenCalled());
    fireEvent.mouseDown(screen.getByLabelText('Integration'));
    fireEvent.click(within(screen.getByRole('listbox')).getByText('demo'));
    await waitFor(() =>
      expect(api.listAlerts).toHaveBeenLastCalledWith(
        expect.objectContaining({ integration: 'demo' }),
      ),
    );
    expect(screen.getByRole('status')).toHaveTextContent('?integration=demo');
  });

  it('shows why the alerts could not be read', async () => {
    await openAlerts(
      '/multivac/alerts',
      mockMultivacApi({
        listAlerts: jest.fn(async () => {
          throw new Error('Not allowed to read alerts');
        }),
      }),
    );
    expect(
      await screen.findByText('Error: Not allowed to read alerts'),
    ).toBeInTheDocument();
  });
});
