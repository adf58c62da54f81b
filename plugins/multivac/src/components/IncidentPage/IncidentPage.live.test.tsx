import { screen, waitFor } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderIncidentPage } from '../../__testUtils__/render';
import { fakeSignalApi } from '../../__testUtils__/signals';

describe('IncidentPage live updates', () => {
  it('refetches the incident and its timeline when its signal arrives', async () => {
    const signals = fakeSignalApi();
    const api = mockMultivacApi();
    await renderIncidentPage({ api, signalApi: signals.api });
    expect(
      await screen.findByRole('heading', {
        name: 'INC-1: Card payments failing',
      }),
    ).toBeInTheDocument();
    expect(api.getIncident).toHaveBeenCalledTimes(1);
    // Opened by reference, it listens on the incident's id once it knows it.
    await waitFor(() =>
      expect(signals.channels()).toContain('multivac:incident:incident-1'),
    );

    signals.emit('multivac:incident:other', { kind: 'incident' });
    signals.emit('multivac:incident:incident-1', {
      kind: 'incident',
      id: 'incident-1',
      at: '2026-12-05T00:10:00.000Z',
    });
    await waitFor(() => expect(api.getIncident).toHaveBeenCalledTimes(2));
    expect(api.getTimeline).toHaveBeenCalledTimes(2);
  });
});
