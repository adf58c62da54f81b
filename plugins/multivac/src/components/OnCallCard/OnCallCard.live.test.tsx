import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { waitFor } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { OnCallCard } from './OnCallCard';

const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
};

describe('OnCallCard live updates', () => {
  it('reads the card again when a page about its entity changes', async () => {
    const signals = fakeSignalApi();
    const api = mockMultivacApi();
    await renderWithMultivac(
      <EntityProvider entity={paymentsApi}>
        <OnCallCard />
      </EntityProvider>,
      { api, signalApi: signals.api },
    );
    await waitFor(() => expect(api.getOnCallCard).toHaveBeenCalledTimes(1));
    expect(signals.channels()).toEqual([
      'multivac:pages:component:default/payments-api',
    ]);

    signals.emit('multivac:pages:component:default/payments-api', {
      kind: 'page',
      id: 'page-1',
      at: '2026-12-05T00:10:00.000Z',
    });
    await waitFor(() => expect(api.getOnCallCard).toHaveBeenCalledTimes(2));
    expect(api.getOnCallCard).toHaveBeenLastCalledWith(
      'component:default/payments-api',
    );
  });
});
