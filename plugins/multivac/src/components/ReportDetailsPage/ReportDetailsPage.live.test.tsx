import { screen, waitFor } from '@testing-library/react';
import { aReport, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';
import { fakeSignalApi } from '../../__testUtils__/signals';

describe('ReportDetailsPage live updates', () => {
  it('reads the report again when it or one of its pages changes', async () => {
    const signals = fakeSignalApi();
    const api = mockMultivacApi({
      // An incident already: the page does not poll, only signals re-read it.
      getReport: jest.fn(async () =>
        aReport({ incidentId: 'incident-1', incidentReference: 'INC-1' }),
      ),
    });
    await renderMultivacPage('/multivac/reports/RPT-1', {
      api,
      signalApi: signals.api,
    });
    expect(
      await screen.findByRole('heading', {
        name: 'RPT-1: Card payments failing',
      }),
    ).toBeInTheDocument();
    expect(api.getReport).toHaveBeenCalledTimes(1);
    await waitFor(() =>
      expect(signals.channels()).toContain('multivac:report:report-1'),
    );

    signals.emit('multivac:report:report-1', {
      kind: 'page',
      id: 'page-1',
      at: '2026-12-05T00:10:00.000Z',
    });
    await waitFor(() => expect(api.getReport).toHaveBeenCalledTimes(2));
  });
});
