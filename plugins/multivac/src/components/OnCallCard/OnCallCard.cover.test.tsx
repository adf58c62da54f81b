import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { OnCallCardData } from '@multivac/plugin-multivac-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { OnCallCard } from './OnCallCard';

const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
};
const grace: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'grace.hopper', namespace: 'default' },
  spec: { profile: { displayName: 'Grace Hopper' } },
};

function cardOf(mayOverride: boolean): OnCallCardData {
  return {
    onCall: {
      entityRef: 'component:default/payments-api',
      resolvedFrom: 'group:default/payments',
      provider: 'builtin',
      schedule: { id: 'payments-primary', name: 'Payments primary' },
      levels: [{ level: 1, timeoutMinutes: 10, onCall: [] }],
    },
    recentPages: [],
    viewer: { mayPage: true, mayAcknowledge: [], mayOverride },
  };
}

/** The card takes its decisions from its answer, never the permission API. */
const noPermissionRequests = jest.fn(() => AuthorizeResult.DENY);

function renderCard(api: ReturnType<typeof mockMultivacApi>) {
  return renderWithMultivac(
    <EntityProvider entity={paymentsApi}>
      <OnCallCard />
    </EntityProvider>,
    { api, permission: noPermissionRequests, entities: [grace] },
  );
}

afterEach(() => {
  const asked = noPermissionRequests.mock.calls.length;
  noPermissionRequests.mockClear();
  if (asked > 0) {
    throw new Error(`The card asked the permission API ${asked} time(s)`);
  }
});

describe('OnCallCard: cover a shift', () => {
  it("covers a shift of the card's schedule in its zone, then reads the card again", async () => {
    const api = mockMultivacApi({
      getOnCallCard: jest.fn(async () => cardOf(true)),
      listSchedules: jest.fn(async () => [
        {
          id: 'payments-primary',
          name: 'Payments primary',
          timeZone: 'Europe/Berlin',
          shifts: [],
        },
      ]),
      createOverride: jest.fn(async () => ({
        id: 'o-1',
        scheduleId: 'payments-primary',
        userRef: 'user:default/grace.hopper',
        start: '2026-12-07T17:00:00.000Z',
        end: '2026-12-08T08:00:00.000Z',
        createdBy: 'user:default/ada.lovelace',
        createdAt: '2026-12-05T10:00:00.000Z',
      })),
    });
    await renderCard(api);
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Cover a shift of Payments primary',
      }),
    );
    const from = await screen.findByLabelText(/From \(Europe\/Berlin\)/);
    fireEvent.change(screen.getByLabelText(/Who covers/), {
      target: { value: 'Grace' },
    });
    fireEvent.click(
      await screen.findByRole('option', { name: /Grace Hopper/ }),
    );
    fireEvent.change(from, { target: { value: '2026-12-07T18:00' } });
    fireEvent.change(screen.getByLabelText(/Until \(Europe\/Berlin\)/), {
      target: { value: '2026-12-08T09:00' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Cover' }));
    await waitFor(() =>
      expect(api.createOverride).toHaveBeenCalledWith('payments-primary', {
        userRef: 'user:default/grace.hopper',
        start: '2026-12-07T18:00:00.000+01:00',
        end: '2026-12-08T09:00:00.000+01:00',
      }),
    );
    await waitFor(() => expect(api.getOnCallCard).toHaveBeenCalledTimes(2));
  });

  it('offers no cover to a viewer who may not cover', async () => {
    const api = mockMultivacApi({
      getOnCallCard: jest.fn(async () => cardOf(false)),
    });
    await renderCard(api);
    expect(
      await screen.findByRole('button', { name: /Page on-call/ }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Cover a shift/ }),
    ).not.toBeInTheDocument();
  });
});
