import { configure, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  aUser,
  withEntityPresentation,
} from '../../__testUtils__/entityPresentation';
import { aReport, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { ReportDetailsPage } from './ReportDetailsPage';

// Rendering the whole page in jsdom takes seconds on a busy machine.
configure({ asyncUtilTimeout: 5_000 });

describe('ReportDetailsPage header', () => {
  it('names the reporter by display name, not by ref', async () => {
    await renderWithMultivac(
      withEntityPresentation(
        <Routes>
          <Route path="/multivac/reports/:id" element={<ReportDetailsPage />} />
        </Routes>,
        [aUser('ada.lovelace', 'Ada Lovelace')],
      ),
      {
        routeEntries: ['/multivac/reports/RPT-1'],
        api: mockMultivacApi({
          getReport: jest.fn(async () =>
            aReport({ reportedBy: 'user:default/ada.lovelace' }),
          ),
        }),
      },
    );
    const header = (
      await screen.findByRole('heading', { name: /^RPT-1: / })
    ).closest('header')!;
    await waitFor(() =>
      expect(header).toHaveTextContent('Reported byAda Lovelace'),
    );
    expect(header).not.toHaveTextContent('ada.lovelace');
  });
});
