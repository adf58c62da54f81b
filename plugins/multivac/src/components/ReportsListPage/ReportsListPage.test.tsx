import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { aReport, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';

describe('ReportsListPage', () => {
  it('lists open reports with links to each and to the form', async () => {
    const api = await renderMultivacPage('/multivac/reports', {
      api: mockMultivacApi({
        listReports: jest.fn(async () => ({
          items: [aReport()],
          totalCount: 1,
        })),
      }),
    });
    expect(await screen.findByRole('link', { name: 'RPT-1' })).toHaveAttribute(
      'href',
      '/multivac/reports/RPT-1',
    );
    expect(api.listReports).toHaveBeenCalledWith({
      state: 'open',
      limit: 20,
      offset: 0,
    });
    const row = screen.getByRole('link', { name: 'RPT-1' }).closest('tr')!;
    expect(within(row).getByText('Card payments failing')).toBeInTheDocument();
    expect(within(row).getByText('SEV2')).toBeInTheDocument();
    expect(within(row).getByText('open')).toBeInTheDocument();
    expect(
      within(row).getByRole('link', { name: 'payments-api' }),
    ).toBeInTheDocument();
    expect(
      within(row).getByRole('link', { name: 'ada.lovelace' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Report a problem' }),
    ).toHaveAttribute('href', '/multivac/report');
  });

  it('filters by state', async () => {
    const api = await renderMultivacPage('/multivac/reports');
    await waitFor(() => expect(api.listReports).toHaveBeenCalledTimes(1));

    fireEvent.mouseDown(screen.getByLabelText('State'));
    fireEvent.click(
      within(screen.getByRole('listbox')).getByText(
        'Handled (incident started)',
      ),
    );
    await waitFor(() =>
      expect(api.listReports).toHaveBeenLastCalledWith({
        state: 'handled',
        limit: 20,
        offset: 0,
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('listbox')).not.toBeInTheDocument(),
    );

    fireEvent.mouseDown(screen.getByLabelText('State'));
    fireEvent.click(within(screen.getByRole('listbox')).getByText('All'));
    await waitFor(() =>
      expect(api.listReports).toHaveBeenLastCalledWith({
        state: undefined,
        limit: 20,
        offset: 0,
      }),
    );
  });
});
