import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes, useLocation } from 'react-router-dom';
import { anIncident, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { MultivacPage } from '../MultivacPage';

/** Shows the address, to check what a shared link would hold. */
const Location = () => {
  const { pathname, search } = useLocation();
  return <output data-testid="location">{`${pathname}${search}`}</output>;
};

function openIncidents(path: string, api = mockMultivacApi()) {
  return renderWithMultivac(
    <>
      <Routes>
        <Route path="/multivac/*" element={<MultivacPage />} />
      </Routes>
      <Location />
    </>,
    { api, routeEntries: [path] },
  );
}

describe('IncidentsListPage', () => {
  it('lists active incidents by default', async () => {
    const api = await openIncidents(
      '/multivac/incidents',
      mockMultivacApi({
        listIncidents: jest.fn(async () => ({
          items: [anIncident()],
          totalCount: 1,
          limit: 20,
          offset: 0,
        })),
      }),
    );
    expect(await screen.findByText('Incidents (1)')).toBeInTheDocument();
    expect(api.listIncidents).toHaveBeenCalledWith({
      q: undefined,
      status: 'active',
      severity: undefined,
      entityRef: undefined,
      limit: 20,
      offset: 0,
    });
  });

  it('reads the search, filters and page from the link', async () => {
    const api = await openIncidents(
      '/multivac/incidents?q=checkout&status=resolved&severity=SEV2&entityRef=component:default/payments-api,group:default/payments&page=2',
    );
    await waitFor(() =>
      expect(api.listIncidents).toHaveBeenCalledWith({
        q: 'checkout',
        status: 'resolved',
        severity: 'SEV2',
        entityRef: ['component:default/payments-api', 'group:default/payments'],
        limit: 20,
        offset: 40,
      }),
    );
    expect(screen.getByLabelText('Search titles and summaries')).toHaveValue(
      'checkout',
    );
    expect(screen.getByLabelText('Status')).toHaveTextContent('resolved');
    expect(
      await screen.findByText(
        'No incidents with “checkout” in their title or summary match these filters.',
      ),
    ).toBeInTheDocument();
  });

  it('reads a mistyped filter as its default', async () => {
    const api = await openIncidents(
      '/multivac/incidents?status=closed&severity=SEV9',
    );
    await waitFor(() =>
      expect(api.listIncidents).toHaveBeenCalledWith(
        expect.objectContaining({ status: 'active', severity: undefined }),
      ),
    );
  });

  it('searches once typing pauses and keeps search and filters in the link', async () => {
    const api = await openIncidents('/multivac/incidents?page=3');
    await waitFor(() => expect(api.listIncidents).toHaveBeenCalledTimes(1));

    fireEvent.change(screen.getByLabelText('Search titles and summaries'), {
      target: { value: '  card payments ' },
    });
    await waitFor(() =>
      expect(api.listIncidents).toHaveBeenLastCalledWith(
        expect.objectContaining({ q: 'card payments', offset: 0 }),
      ),
    );
    expect(api.listIncidents).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/multivac/incidents?q=card+payments',
    );

    fireEvent.mouseDown(screen.getByLabelText('Status'));
    fireEvent.click(within(screen.getByRole('listbox')).getByText('All'));
    await waitFor(() =>
      expect(api.listIncidents).toHaveBeenLastCalledWith(
        expect.objectContaining({ q: 'card payments', status: undefined }),
      ),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/multivac/incidents?q=card+payments&status=all',
    );
  });
});
