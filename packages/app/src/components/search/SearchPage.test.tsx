import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  MockSearchApi,
  SearchContextProvider,
  searchApiRef,
} from '@backstage/plugin-search-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
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

describe('SearchPage', () => {
  it("shows incidents and post-mortems with their reference, severity and status, next to the catalog's entities", async () => {
    const searchApi = new MockSearchApi({ results });
    const query = jest.spyOn(searchApi, 'query');
    await renderInTestApp(
      <TestApiProvider apis={[[searchApiRef, searchApi]]}>
        <SearchContextProvider
          initialState={{ term: 'Visa', types: [], filters: {}, pageLimit: 25 }}
        >
          <SearchPage />
        </SearchContextProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

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
    expect(within(postmortem).getByTitle('Post-mortem')).toBeInTheDocument();

    expect(screen.getByText('payments-api')).toBeInTheDocument();
    expect(screen.getByText('Incidents')).toBeInTheDocument();
    expect(screen.getByText('Post-mortems')).toBeInTheDocument();
    expect(query).toHaveBeenCalledWith(
      expect.objectContaining({ term: 'Visa' }),
      expect.anything(),
    );
  });
});
