import { screen, waitFor } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';
import { fakeSignalApi } from '../../__testUtils__/signals';

describe('IncidentsListPage live updates', () => {
  it('lists again, with the same filters, when any incident changes', async () => {
    const signals = fakeSignalApi();
    const api = mockMultivacApi();
    await renderMultivacPage('/multivac/incidents?status=all&q=visa', {
      api,
      signalApi: signals.api,
    });
    await waitFor(() => expect(api.listIncidents).toHaveBeenCalledTimes(1));
    expect(screen.getByRole('heading', { name: 'Incidents' })).toBeVisible();

    signals.emit('multivac:incidents', {
      kind: 'incident',
      id: 'incident-9',
      at: '2026-12-05T00:10:00.000Z',
    });
    await waitFor(() => expect(api.listIncidents).toHaveBeenCalledTimes(2));
    expect((api.listIncidents as jest.Mock).mock.calls[1][0]).toEqual(
      (api.listIncidents as jest.Mock).mock.calls[0][0],
    );
    expect((api.listIncidents as jest.Mock).mock.calls[1][0]).toMatchObject({
      q: 'visa',
      status: undefined,
    });
  });
});
