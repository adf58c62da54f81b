import { Entity } from '@backstage/catalog-model';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  MockSearchApi,
  SearchContextProvider,
  SearchContextState,
  searchApiRef,
} from '@backstage/plugin-search-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SearchPage } from './SearchPage';

const results = [
  {
    type: 'multivac-incident',
    document: {
      title: 'INC-1: Visa payments declined',
      text: 'Checkout returns 502 for Visa cards',
      location: '/multivac/incidents/INC-1',
      reference: 'INC-1',
      severity: 'SEV2',
      status: 'investigating',
      team: 'Checkout, Payments Team',
      teamRefs: ['group:default/checkout', 'group:default/payments'],
    },
  },
  {
    type: 'multivac-postmortem',
    document: {
      title: 'PM-1: Visa payments declined',
      text: 'Trigger: an expired intermediate certificate',
      location: '/multivac/postmortems/PM-1',
      reference: 'PM-1',
      severity: 'SEV2',
      status: 'draft',
      team: 'Payments Team',
      teamRefs: ['group:default/payments'],
    },
  },
  {
    type: 'software-catalog',
    document: {
      title: 'payments-api',
      text: 'Takes Visa and Mastercard payments',
      location: '/catalog/default/component/payments-api',
      kind: 'Component',
    },
  },
];

const group = (
  name: string,
  names: { title?: string; displayName?: string } = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', title: names.title },
  spec: {
    type: 'team',
    children: [],
    ...(names.displayName
      ? { profile: { displayName: names.displayName } }
      : {}),
  },
});

const catalogEntities: Entity[] = [
  group('payments', { title: 'Payments Team' }),
  group('checkout', { title: 'Checkout squad', displayName: 'Checkout' }),
  group('sre'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  },
];

async function renderSearchPage(initialState: Partial<SearchContextState>) {
  const searchApi = new MockSearchApi({ results });
  const query = jest.spyOn(searchApi, 'query');
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [searchApiRef, searchApi],
        [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
      ]}
    >
      <SearchContextProvider
        initialState={{
          term: 'Visa',
          types: [],
          filters: {},
          pageLimit: 25,
          ...initialState,
        }}
      >
        <SearchPage />
      </SearchContextProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return query;
}

/** The last query the page sent to the search API. */
function lastQuery(query: jest.SpyInstance) {
  return query.mock.calls[query.mock.calls.length - 1][0];
}

// The whole page renders and re-queries on every click (a few seconds on a
// busy CI machine).
jest.setTimeout(30_000);

describe('SearchPage', () => {
  it("shows incidents and post-mortems with their reference, severity, status and team, next to the catalog's entities", async () => {
    const query = await renderSearchPage({});

    const incident = (
      await screen.findByRole('link', { name: 'INC-1: Visa payments declined' })
    ).closest('li')!;
    expect(
      within(incident).getByRole('link', {
        name: 'INC-1: Visa payments declined',
      }),
    ).toHaveAttribute('href', '/multivac/incidents/INC-1');
    expect(
      within(incident).getByText('Checkout returns 502 for Visa cards'),
    ).toBeInTheDocument();
    for (const chip of ['INC-1', 'SEV2', 'investigating']) {
      expect(within(incident).getByText(chip)).toBeInTheDocument();
    }
    expect(
      within(incident).getByText('Checkout, Payments Team'),
    ).toBeInTheDocument();
    expect(within(incident).getByTitle('Incident')).toBeInTheDocument();

    const postmortem = screen
      .getByRole('link', { name: 'PM-1: Visa payments declined' })
      .closest('li')!;
    expect(
      within(postmortem).getByRole('link', {
        name: 'PM-1: Visa payments declined',
      }),
    ).toHaveAttribute('href', '/multivac/postmortems/PM-1');
    for (const chip of ['PM-1', 'SEV2', 'draft']) {
      expect(within(postmortem).getByText(chip)).toBeInTheDocument();
    }
    expect(within(postmortem).getByText('Payments Team')).toBeInTheDocument();
    expect(within(postmortem).getByTitle('Post-mortem')).toBeInTheDocument();

    expect(screen.getByText('payments-api')).toBeInTheDocument();
    expect(screen.getByText('Incidents')).toBeInTheDocument();
    expect(screen.getByText('Post-mortems')).toBeInTheDocument();
    expect(query).toHaveBeenCalledWith(
      expect.objectContaining({ term: 'Visa' }),
      expect.anything(),
    );
  });

  it("filters incidents and post-mortems by team, with the catalog's Groups by name, only while a Multivac type is selected", async () => {
    const user = userEvent.setup();
    const query = await renderSearchPage({});
    await screen.findByRole('link', { name: 'INC-1: Visa payments declined' });
    expect(screen.queryByLabelText('Team')).not.toBeInTheDocument();

    await user.click(screen.getByText('Incidents'));
    const filter = await screen.findByTestId('search-selectfilter-next');
    await waitFor(() =>
      expect(within(filter).getByRole('button')).not.toHaveAttribute(
        'aria-disabled',
      ),
    );
    await user.click(within(filter).getByRole('button'));
    // The Groups may still be on their way when the list opens (CI saw
    // only "All"): the open list shows them once they are there.
    await waitFor(() =>
      expect(
        screen.getAllByRole('option').map(option => option.textContent),
      ).toEqual(['All', 'Checkout', 'Payments Team', 'sre']),
    );
    await user.click(screen.getByRole('option', { name: 'Payments Team' }));
    await waitFor(() =>
      expect(lastQuery(query)).toEqual(
        expect.objectContaining({
          term: 'Visa',
          types: ['multivac-incident'],
          filters: { team: 'Payments Team' },
        }),
      ),
    );

    await user.click(screen.getByText('Post-mortems'));
    await waitFor(() =>
      expect(lastQuery(query)).toEqual(
        expect.objectContaining({
          types: ['multivac-postmortem'],
          filters: { team: 'Payments Team' },
        }),
      ),
    );

    // The catalog's documents have no team: the filter goes away with it.
    await user.click(screen.getByText('Software catalog'));
    await waitFor(() =>
      expect(lastQuery(query)).toEqual(
        expect.objectContaining({
          types: ['software-catalog'],
          filters: {},
        }),
      ),
    );
    expect(
      screen.queryByTestId('search-selectfilter-next'),
    ).not.toBeInTheDocument();
  });

  it('drops a team filter from the link when the results are not only Multivac types', async () => {
    const query = await renderSearchPage({
      filters: { team: 'Checkout' },
    });
    await waitFor(() =>
      expect(lastQuery(query)).toEqual(
        expect.objectContaining({ types: [], filters: {} }),
      ),
    );
    expect(
      screen.queryByTestId('search-selectfilter-next'),
    ).not.toBeInTheDocument();
  });
});
