import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { waitFor } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { EntityIncidentsContent } from './EntityIncidentsContent';

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments', namespace: 'default' },
};

describe('EntityIncidentsContent live updates', () => {
  it("lists the entity's incidents again when an incident changes", async () => {
    const signals = fakeSignalApi();
    const api = mockMultivacApi();
    await renderWithMultivac(
      <EntityProvider entity={payments}>
        <EntityIncidentsContent />
      </EntityProvider>,
      { api, signalApi: signals.api },
    );
    await waitFor(() => expect(api.listIncidents).toHaveBeenCalledTimes(1));

    signals.emit('multivac:incidents', {
      kind: 'incident',
      id: 'incident-9',
      at: '2026-12-05T00:10:00.000Z',
    });
    await waitFor(() => expect(api.listIncidents).toHaveBeenCalledTimes(2));
    expect(api.listIncidents).toHaveBeenLastCalledWith({
      entityRef: 'group:default/payments',
      limit: 100,
    });
  });
});
