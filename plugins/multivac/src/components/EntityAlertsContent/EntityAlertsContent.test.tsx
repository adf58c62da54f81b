import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import { anAlert, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { EntityAlertsContent } from './EntityAlertsContent';

const entity = (kind: string, name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
});

describe('EntityAlertsContent', () => {
  function renderFor(target: Entity, api = mockMultivacApi()) {
    return renderWithMultivac(
      <EntityProvider entity={target}>
        <EntityAlertsContent />
      </EntityProvider>,
      { api },
    );
  }

  it("lists the entity's firing and recently resolved alerts", async () => {
    const api = mockMultivacApi({
      listAlerts: jest.fn(async query =>
        query?.status === 'firing'
          ? { items: [anAlert()], totalCount: 1 }
          : {
              items: [
                anAlert({
                  id: 'alert-2',
                  groupId: 'group-0',
                  summary: 'Disk almost full',
                  status: 'resolved',
                  urgency: 'low',
                }),
              ],
              totalCount: 1,
            },
      ),
    });
    await renderFor(entity('Component', 'payments-api'), api);
    expect(
      await screen.findByRole('link', { name: 'Checkout error rate above 5%' }),
    ).toHaveAttribute('href', '/multivac/alerts/groups/group-1');
    expect(screen.getByText('Firing alerts (1)')).toBeInTheDocument();
    const resolved = screen
      .getByRole('link', { name: 'Disk almost full' })
      .closest('tr')!;
    expect(within(resolved).getByText('resolved')).toBeInTheDocument();
    expect(api.listAlerts).toHaveBeenCalledWith({
      entityRef: 'component:default/payments-api',
      status: 'firing',
      limit: 200,
    });
    expect(api.listAlerts).toHaveBeenCalledWith({
      entityRef: 'component:default/payments-api',
      status: 'resolved',
      limit: 20,
    });
    // on the entity's own tab the entity column would only repeat it
    expect(screen.queryByText('Entity')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'All alerts' })).toHaveAttribute(
      'href',
      '/multivac/alerts?entityRef=component%3Adefault%2Fpayments-api&status=all',
    );
  });

  it("a team's tab names the service of each alert", async () => {
    const api = mockMultivacApi({
      listAlerts: jest.fn(async () => ({ items: [anAlert()], totalCount: 1 })),
    });
    await renderFor(entity('Group', 'payments'), api);
    await waitFor(() =>
      expect(api.listAlerts).toHaveBeenCalledWith(
        expect.objectContaining({ entityRef: 'group:default/payments' }),
      ),
    );
    expect(
      (await screen.findAllByRole('link', { name: 'payments-api' })).length,
    ).toBeGreaterThan(0);
  });

  it('says when nothing is firing', async () => {
    await renderFor(entity('Component', 'payments-api'));
    expect(
      await screen.findByText('Nothing is firing. All quiet.'),
    ).toBeInTheDocument();
    expect(screen.getByText('No resolved alerts.')).toBeInTheDocument();
  });
});
