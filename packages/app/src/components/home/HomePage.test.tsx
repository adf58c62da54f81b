import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { searchPlugin } from '@backstage/plugin-search';
import { MockSearchApi, searchApiRef } from '@backstage/plugin-search-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  MultivacApi,
  multivacApiRef,
  multivacPlugin,
} from '@multivac/plugin-multivac';
import { screen } from '@testing-library/react';
import { HomePage } from './HomePage';

const grace = 'user:default/grace.hopper';
const HOUR = 60 * 60 * 1000;

describe('HomePage', () => {
  it('shows the search bar and the four Multivac cards with their data', async () => {
    const api: Partial<MultivacApi> = {
      listSchedules: jest.fn(async () => [
        {
          id: 'payments',
          name: 'Payments primary',
          timeZone: 'UTC',
          shifts: [
            {
              person: { userRef: grace, name: 'Grace Hopper' },
              start: new Date(Date.now() - HOUR).toISOString(),
              end: new Date(Date.now() + 23 * HOUR).toISOString(),
            },
          ],
        },
      ]),
      listIncidents: jest.fn(async () => ({
        items: [],
        totalCount: 0,
        limit: 5,
        offset: 0,
      })),
      listActionItems: jest.fn(async () => ({ items: [], totalCount: 0 })),
      listReleases: jest.fn(async () => ({
        items: [],
        totalCount: 0,
        limit: 10,
        offset: 0,
      })),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [multivacApiRef, api],
          [searchApiRef, new MockSearchApi({ results: [] })],
          [
            identityApiRef,
            mockApis.identity({
              userEntityRef: grace,
              ownershipEntityRefs: [grace, 'group:default/payments'],
            }),
          ],
        ]}
      >
        <HomePage />
      </TestApiProvider>,
      {
        mountedRoutes: {
          '/multivac': multivacPlugin.routes.root,
          '/search': searchPlugin.routes.root,
          '/catalog/:namespace/:kind/:name': entityRouteRef,
        },
      },
    );
    expect(
      await screen.findByPlaceholderText(
        'Search incidents, post-mortems and the catalog',
      ),
    ).toBeInTheDocument();
    for (const title of [
      'My on-call shifts',
      'Active incidents',
      'My action items',
      'Upcoming releases of my team',
    ]) {
      expect(await screen.findByText(title)).toBeInTheDocument();
    }
    expect(
      await screen.findByText('Payments primary — on call now'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No incident is open. All quiet.'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No open action item is yours.'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText("No release of your team's in the next 7 days."),
    ).toBeInTheDocument();
    expect(api.listReleases).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: ['group:default/payments'] }),
    );
  });
});
