import {
  configure,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import {
  anAlert,
  anAlertGroup,
  anIncident,
  aPage,
  mockMultivacApi,
} from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';

// Rendering the whole page in jsdom takes seconds on a busy machine.
configure({ asyncUtilTimeout: 5_000 });

const alertApi = { post: jest.fn(), alert$: jest.fn() };

function openGroup(api = mockMultivacApi()) {
  return renderMultivacPage('/multivac/alerts/groups/group-1', {
    api,
    alertApi,
  });
}

describe('AlertGroupPage', () => {
  beforeEach(() => alertApi.post.mockClear());

  it("shows the group's alerts with their labels, links and routing", async () => {
    const api = await openGroup(
      mockMultivacApi({
        getAlertGroup: jest.fn(async () =>
          anAlertGroup({
            alertCount: 2,
            firingCount: 1,
            alerts: [
              anAlert(),
              anAlert({
                id: 'alert-2',
                summary: 'Ledger p99 above 2 s',
                status: 'resolved',
                urgency: 'low',
                labels: { team: 'payments' },
                links: [],
                routedBy: 'rule:2',
                resolvedAt: '2026-11-23T10:30:00.000Z',
              }),
            ],
          }),
        ),
        listPages: jest.fn(async () => [aPage()]),
      }),
    );
    expect(
      await screen.findByRole('heading', { name: 'Alerts on payments-api' }),
    ).toBeInTheDocument();
    expect(api.getAlertGroup).toHaveBeenCalledWith('group-1');

    const first = screen.getByRole('region', {
      name: 'Checkout error rate above 5%',
    });
    const labels = within(first).getByRole('table', {
      name: 'labels of Checkout error rate above 5%',
    });
    expect(within(labels).getByText('alertname')).toBeInTheDocument();
    expect(within(labels).getByText('HighErrorRate')).toBeInTheDocument();
    expect(
      within(first).getByRole('link', {
        name: /^https:\/\/grafana\.nimbus\.example\/d\/checkout/,
      }),
    ).toHaveAttribute('href', 'https://grafana.nimbus.example/d/checkout');
    expect(within(first).getByText('its label "service"')).toBeInTheDocument();
    expect(within(first).getByText('critical')).toBeInTheDocument();

    const second = screen.getByRole('region', {
      name: 'Ledger p99 above 2 s',
    });
    expect(within(second).getByText('resolved')).toBeInTheDocument();
    expect(
      within(second).getByText('rule 2 of the integration'),
    ).toBeInTheDocument();

    // the page it sent, from the entity's recent pages
    await waitFor(() =>
      expect(api.listPages).toHaveBeenCalledWith(
        'component:default/payments-api',
      ),
    );
    expect(await screen.findByText('Grace Hopper')).toBeInTheDocument();
  });

  it('acknowledges the page the group sent', async () => {
    const api = await openGroup(
      mockMultivacApi({
        acknowledgeAlertGroup: jest.fn(async () =>
          aPage({
            status: 'acknowledged',
            acknowledgedBy: 'user:default/grace.hopper',
          }),
        ),
      }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Acknowledge' }));
    await waitFor(() =>
      expect(api.acknowledgeAlertGroup).toHaveBeenCalledWith('group-1'),
    );
    expect(await screen.findByText(/acknowledged by/)).toBeInTheDocument();
    expect(
      screen.getByText('Page').parentElement?.querySelector('a'),
    ).toHaveAttribute('href', '/catalog/default/user/grace.hopper');
    expect(screen.getByRole('button', { name: 'Acknowledge' })).toBeDisabled();
    expect(alertApi.post).not.toHaveBeenCalled();
  });

  it('cannot acknowledge a group that paged nobody', async () => {
    await openGroup(
      mockMultivacApi({
        getAlertGroup: jest.fn(async () =>
          anAlertGroup({ pageId: undefined, urgency: 'low' }),
        ),
      }),
    );
    expect(
      await screen.findByText(
        'None: low urgency, or attached to an active incident',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Acknowledge' })).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Start incident' }),
    ).toBeEnabled();
  });

  it('starts an incident from the group and goes to it', async () => {
    const incident = anIncident({ number: 7, reference: 'INC-7' });
    const api = await openGroup(
      mockMultivacApi({
        startIncidentFromAlertGroup: jest.fn(async () => incident),
        getIncident: jest.fn(async () => incident),
      }),
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'Start incident' }),
    );
    expect(
      await screen.findByRole('heading', {
        name: 'INC-7: Card payments failing',
      }),
    ).toBeInTheDocument();
    expect(api.startIncidentFromAlertGroup).toHaveBeenCalledWith('group-1');
  });

  it("shows the server's refusal instead of swallowing it", async () => {
    const api = await openGroup(
      mockMultivacApi({
        startIncidentFromAlertGroup: jest.fn(async () => {
          throw new Error('Alert group group-1 already has incident i-3');
        }),
      }),
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'Start incident' }),
    );
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message: 'Alert group group-1 already has incident i-3',
        severity: 'error',
      }),
    );
    // it reads the group again to show where it stands now
    await waitFor(() => expect(api.getAlertGroup).toHaveBeenCalledTimes(2));
  });

  it('links a group that became an incident to it', async () => {
    await openGroup(
      mockMultivacApi({
        getAlertGroup: jest.fn(async () =>
          anAlertGroup({ incidentId: 'incident-1' }),
        ),
      }),
    );
    expect(
      await screen.findByRole('link', { name: 'INC-1: Card payments failing' }),
    ).toHaveAttribute('href', '/multivac/incidents/incident-1');
    expect(
      screen.queryByRole('button', { name: 'Start incident' }),
    ).not.toBeInTheDocument();
  });

  it('says when the group does not exist', async () => {
    await openGroup(
      mockMultivacApi({
        getAlertGroup: jest.fn(async () => {
          throw new Error('No alert group group-1');
        }),
      }),
    );
    expect(
      await screen.findByText('Error: No alert group group-1'),
    ).toBeInTheDocument();
  });
});
