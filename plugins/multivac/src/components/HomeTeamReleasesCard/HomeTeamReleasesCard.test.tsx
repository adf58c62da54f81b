import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis, TestApiProvider } from '@backstage/test-utils';
import { configure, screen } from '@testing-library/react';
import { aRelease, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { HomeTeamReleasesCard } from './HomeTeamReleasesCard';

configure({ asyncUtilTimeout: 5_000 });

const grace = 'user:default/grace.hopper';
const DAY = 24 * 60 * 60 * 1000;

function render(api = mockMultivacApi(), ownershipEntityRefs?: string[]) {
  return renderWithMultivac(
    <TestApiProvider
      apis={[
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: grace,
            ownershipEntityRefs: ownershipEntityRefs ?? [
              grace,
              'group:default/payments',
              'group:default/checkout',
            ],
          }),
        ],
      ]}
    >
      <HomeTeamReleasesCard />
    </TestApiProvider>,
    { api },
  );
}

describe('HomeTeamReleasesCard', () => {
  it("lists the next 7 days' releases of what the user's groups own", async () => {
    const api = mockMultivacApi({
      listReleases: jest.fn(async () => ({
        items: [aRelease()],
        totalCount: 1,
        limit: 10,
        offset: 0,
      })),
    });
    const before = Date.now();
    await render(api);
    expect(
      await screen.findByRole('link', { name: 'REL-1 v2.4.1' }),
    ).toHaveAttribute('href', '/multivac/releases/REL-1');
    expect(screen.getByText(/to production/)).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Release calendar' }),
    ).toHaveAttribute('href', '/multivac/releases');
    const query = api.listReleases.mock.calls[0][0]!;
    expect(query).toMatchObject({
      entityRef: ['group:default/payments', 'group:default/checkout'],
      status: 'active',
      limit: 10,
    });
    const from = Date.parse(query.from!);
    expect(from).toBeGreaterThanOrEqual(before);
    expect(Date.parse(query.to!) - from).toBe(7 * DAY);
  });

  it('says so when the team has no release coming', async () => {
    await render();
    expect(
      await screen.findByText("No release of your team's in the next 7 days."),
    ).toBeInTheDocument();
  });

  it('says so, without asking, when the user is in no group', async () => {
    const api = mockMultivacApi();
    await render(api, [grace]);
    expect(
      await screen.findByText(
        'You are in no team in the catalog, so no team releases to show.',
      ),
    ).toBeInTheDocument();
    expect(api.listReleases).not.toHaveBeenCalled();
  });

  it('shows the error', async () => {
    await render(
      mockMultivacApi({
        listReleases: jest.fn(async () => {
          throw new Error('Backend unavailable');
        }),
      }),
    );
    expect(
      (await screen.findAllByText(/Backend unavailable/))[0],
    ).toBeInTheDocument();
  });
});
