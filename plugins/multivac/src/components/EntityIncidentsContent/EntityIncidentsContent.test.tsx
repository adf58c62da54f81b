import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { anIncident, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { EntityIncidentsContent } from './EntityIncidentsContent';

const entity = (kind: string, name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
});

describe('EntityIncidentsContent', () => {
  async function renderFor(target: Entity, api = mockMultivacApi()) {
    return renderWithMultivac(
      <EntityProvider entity={target}>
        <EntityIncidentsContent />
      </EntityProvider>,
      { api },
    );
  }

  it("splits the entity's incidents into active and past", async () => {
    const api = mockMultivacApi({
      listIncidents: jest.fn(async () => ({
        items: [
          anIncident({ id: 'a', reference: 'INC-2', title: 'Ledger slow' }),
          anIncident({
            id: 'b',
            reference: 'INC-1',
            title: 'Old outage',
            status: 'resolved',
          }),
        ],
        totalCount: 2,
        limit: 100,
        offset: 0,
      })),
    });
    await renderFor(entity('Component', 'payments-api'), api);
    expect(await screen.findByText('Ledger slow')).toBeInTheDocument();
    expect(screen.getByText('Old outage')).toBeInTheDocument();
    expect(screen.getByText('INC-2').closest('a')).toHaveAttribute(
      'href',
      '/multivac/incidents/INC-2',
    );
    expect(api.listIncidents).toHaveBeenCalledWith({
      entityRef: 'component:default/payments-api',
      limit: 100,
    });
    expect(
      screen.getByRole('button', { name: 'Declare incident' }),
    ).toBeEnabled();
  });

  it('says when all is quiet', async () => {
    await renderFor(entity('Group', 'payments'));
    expect(
      await screen.findByText('No active incidents. All quiet.'),
    ).toBeInTheDocument();
    expect(screen.getByText('No past incidents.')).toBeInTheDocument();
  });
});
