import {
  configure,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { Route, Routes, useLocation } from 'react-router-dom';
import { aReport, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { MultivacPage } from '../MultivacPage';

configure({ asyncUtilTimeout: 5_000 });

/** Shows the address, to check what a shared link would hold. */
const Location = () => {
  const { pathname, search } = useLocation();
  return <output data-testid="location">{`${pathname}${search}`}</output>;
};

function renderMultivacPage(
  path: string,
  options: { api?: ReturnType<typeof mockMultivacApi> } = {},
) {
  return renderWithMultivac(
    <>
      <Routes>
        <Route path="/multivac/*" element={<MultivacPage />} />
      </Routes>
      <Location />
    </>,
    { routeEntries: [path], ...options },
  );
}

/** Picks an option of a filter and waits for its menu to close. */
async function choose(label: string, option: string) {
  fireEvent.mouseDown(screen.getByLabelText(label));
  fireEvent.click(within(screen.getByRole('listbox')).getByText(option));
  await waitFor(() =>
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument(),
  );
}

describe('ReportsListPage', () => {
  it('lists reports in every state, each linking to itself and its incident', async () => {
    const api = await renderMultivacPage('/multivac/reports', {
      api: mockMultivacApi({
        listReports: jest.fn(async () => ({
          items: [
            aReport({ id: 'r2', number: 2, reference: 'RPT-2' }),
            aReport({
              status: 'incident',
              incidentId: 'i7',
              incidentReference: 'INC-7',
            }),
          ],
          totalCount: 2,
        })),
      }),
    });
    expect(await screen.findByRole('link', { name: 'RPT-1' })).toHaveAttribute(
      'href',
      '/multivac/reports/RPT-1',
    );
    // No state by default: a report that became an incident at once shows.
    expect(api.listReports).toHaveBeenCalledWith({
      state: undefined,
      limit: 20,
      offset: 0,
    });
    expect(screen.getByText('Reports (2)')).toBeInTheDocument();
    const row = screen.getByRole('link', { name: 'RPT-1' }).closest('tr')!;
    expect(within(row).getByText('Card payments failing')).toBeInTheDocument();
    expect(within(row).getByText('SEV2')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: 'INC-7' })).toHaveAttribute(
      'href',
      '/multivac/incidents/INC-7',
    );
    expect(
      within(row).getByRole('link', { name: 'payments-api' }),
    ).toBeInTheDocument();
    expect(
      within(row).getByRole('link', { name: 'ada.lovelace' }),
    ).toBeInTheDocument();
    const open = screen.getByRole('link', { name: 'RPT-2' }).closest('tr')!;
    expect(within(open).getByText('—')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Report a problem' }),
    ).toHaveAttribute('href', '/multivac/report');
  });

  it("reads the filters from the link: the reporter's own reports", async () => {
    const api = await renderMultivacPage(
      '/multivac/reports?reportedBy=me&state=handled&page=1',
    );
    await waitFor(() =>
      expect(api.listReports).toHaveBeenCalledWith({
        state: 'handled',
        mine: 'true',
        limit: 20,
        offset: 20,
      }),
    );
    expect(screen.getByLabelText('Reported by')).toHaveTextContent('Me');
    expect(
      await screen.findByText('You have sent no reports in this state.'),
    ).toBeInTheDocument();
  });

  it('reads a mistyped filter as its default', async () => {
    const api = await renderMultivacPage(
      '/multivac/reports?state=closed&reportedBy=bob&page=-2',
    );
    await waitFor(() =>
      expect(api.listReports).toHaveBeenCalledWith({
        state: undefined,
        limit: 20,
        offset: 0,
      }),
    );
  });

  it('filters by state and reporter, keeping the filters in the link', async () => {
    const api = await renderMultivacPage('/multivac/reports');
    await waitFor(() => expect(api.listReports).toHaveBeenCalledTimes(1));

    await choose('State', 'Handled (incident started)');
    await waitFor(() =>
      expect(api.listReports).toHaveBeenLastCalledWith({
        state: 'handled',
        limit: 20,
        offset: 0,
      }),
    );
    await choose('Reported by', 'Me');
    await waitFor(() =>
      expect(api.listReports).toHaveBeenLastCalledWith({
        state: 'handled',
        mine: 'true',
        limit: 20,
        offset: 0,
      }),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/multivac/reports?state=handled&reportedBy=me',
    );

    await choose('State', 'All');
    await waitFor(() =>
      expect(api.listReports).toHaveBeenLastCalledWith({
        state: undefined,
        mine: 'true',
        limit: 20,
        offset: 0,
      }),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      /^\/multivac\/reports\?reportedBy=me$/,
    );
  });
});
