import { Entity } from '@backstage/catalog-model';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes, useLocation } from 'react-router-dom';
import { aPostmortem, mockMultivacApi } from '../../__testUtils__/fixtures';
import {
  renderMultivacPage,
  renderWithMultivac,
} from '../../__testUtils__/render';
import { MultivacPage } from '../MultivacPage';

/** Shows the address, to check what a shared link would hold. */
const Location = () => {
  const { pathname, search } = useLocation();
  return <output data-testid="location">{`${pathname}${search}`}</output>;
};

const firstPage = { limit: 20, offset: 0 };

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { type: 'team', children: [], profile: { displayName: 'Payments' } },
};

describe('PostmortemsListPage', () => {
  it('lists post-mortems with links, owner and an overdue due date', async () => {
    const api = await renderMultivacPage('/multivac/postmortems', {
      api: mockMultivacApi({
        listPostmortems: jest.fn(async () => ({
          items: [aPostmortem({ overdue: true, status: 'in_review' })],
          totalCount: 1,
        })),
      }),
    });
    const link = await screen.findByRole('link', { name: 'PM-1' });
    expect(link).toHaveAttribute('href', '/multivac/postmortems/PM-1');
    expect(api.listPostmortems).toHaveBeenCalledWith(firstPage);
    const row = link.closest('tr')!;
    expect(
      within(row).getByText('Post-mortem: Card payments failing'),
    ).toBeInTheDocument();
    expect(within(row).getByText('SEV2')).toBeInTheDocument();
    expect(within(row).getByText('In review')).toBeInTheDocument();
    expect(
      within(row).getByRole('link', { name: 'ada.lovelace' }),
    ).toBeInTheDocument();
    const due = within(row).getByText('2026-11-30 (overdue)');
    expect(getComputedStyle(due).fontWeight).toBe('600');
    expect(due.className).toMatch(/colorError/);
    expect(within(row).getByRole('link', { name: 'INC-1' })).toHaveAttribute(
      'href',
      '/multivac/incidents/INC-1',
    );
    expect(screen.getByText('Post-mortems (1)')).toBeInTheDocument();
  });

  it('searches once typing pauses', async () => {
    const api = await renderMultivacPage('/multivac/postmortems');
    await waitFor(() => expect(api.listPostmortems).toHaveBeenCalledTimes(1));
    const search = screen.getByLabelText('Search');
    for (const text of ['l', 'le', 'led', 'ledger ']) {
      fireEvent.change(search, { target: { value: text } });
    }
    await waitFor(() =>
      expect(api.listPostmortems).toHaveBeenLastCalledWith({
        q: 'ledger',
        ...firstPage,
      }),
    );
    expect(api.listPostmortems).toHaveBeenCalledTimes(2);
  });

  it('filters by severity, status, overdue and team', async () => {
    const api = await renderMultivacPage('/multivac/postmortems', {
      entities: [payments],
    });
    await waitFor(() => expect(api.listPostmortems).toHaveBeenCalledTimes(1));

    fireEvent.mouseDown(screen.getByLabelText('Severity'));
    fireEvent.click(within(screen.getByRole('listbox')).getByText('SEV1'));
    await waitFor(() =>
      expect(api.listPostmortems).toHaveBeenLastCalledWith({
        severity: 'SEV1',
        ...firstPage,
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('listbox')).not.toBeInTheDocument(),
    );

    fireEvent.mouseDown(screen.getByLabelText('Status'));
    fireEvent.click(
      within(screen.getByRole('listbox')).getByText('Not published'),
    );
    await waitFor(() =>
      expect(api.listPostmortems).toHaveBeenLastCalledWith({
        severity: 'SEV1',
        status: ['draft', 'in_review'],
        ...firstPage,
      }),
    );

    fireEvent.click(screen.getByLabelText('Overdue only'));
    await waitFor(() =>
      expect(api.listPostmortems).toHaveBeenLastCalledWith({
        severity: 'SEV1',
        status: ['draft', 'in_review'],
        overdue: 'true',
        ...firstPage,
      }),
    );

    const team = screen.getByLabelText('Team, system or service');
    fireEvent.change(team, { target: { value: 'Pay' } });
    fireEvent.click(await screen.findByText('Payments (group)'));
    await waitFor(() =>
      expect(api.listPostmortems).toHaveBeenLastCalledWith({
        entityRef: ['group:default/payments'],
        severity: 'SEV1',
        status: ['draft', 'in_review'],
        overdue: 'true',
        ...firstPage,
      }),
    );
  });

  it('reads its search and filters from the link and writes them back', async () => {
    const api = mockMultivacApi();
    await renderWithMultivac(
      <>
        <Routes>
          <Route path="/multivac/*" element={<MultivacPage />} />
        </Routes>
        <Location />
      </>,
      {
        api,
        entities: [payments],
        routeEntries: [
          '/multivac/postmortems?q=ledger&entityRef=group:default/payments&severity=SEV2&status=unpublished&overdue=true&page=1',
        ],
      },
    );
    await waitFor(() =>
      expect(api.listPostmortems).toHaveBeenCalledWith({
        q: 'ledger',
        entityRef: ['group:default/payments'],
        severity: 'SEV2',
        status: ['draft', 'in_review'],
        overdue: 'true',
        limit: 20,
        offset: 20,
      }),
    );
    expect(screen.getByLabelText('Search')).toHaveValue('ledger');
    expect(screen.getByLabelText('Overdue only')).toBeChecked();

    fireEvent.click(screen.getByLabelText('Overdue only'));
    await waitFor(() =>
      expect(api.listPostmortems).toHaveBeenLastCalledWith({
        q: 'ledger',
        entityRef: ['group:default/payments'],
        severity: 'SEV2',
        status: ['draft', 'in_review'],
        limit: 20,
        offset: 0,
      }),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/multivac/postmortems?q=ledger&entityRef=group%3Adefault%2Fpayments&severity=SEV2&status=unpublished',
    );
    fireEvent.change(screen.getByLabelText('Search'), {
      target: { value: '' },
    });
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        /^\/multivac\/postmortems\?entityRef=group%3Adefault%2Fpayments&severity=SEV2&status=unpublished$/,
      ),
    );
  });

  it('pages on the server', async () => {
    const api = await renderMultivacPage('/multivac/postmortems', {
      api: mockMultivacApi({
        listPostmortems: jest.fn(async () => ({
          items: [aPostmortem()],
          totalCount: 45,
        })),
      }),
    });
    fireEvent.click(await screen.findByRole('button', { name: /next page/i }));
    await waitFor(() =>
      expect(api.listPostmortems).toHaveBeenLastCalledWith({
        limit: 20,
        offset: 20,
      }),
    );
  });
});
