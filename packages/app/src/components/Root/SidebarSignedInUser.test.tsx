import { Sidebar, SidebarPage } from '@backstage/core-components';
import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { SidebarSignedInUser } from './SidebarSignedInUser';

async function renderSidebar(identityApi: object) {
  await renderInTestApp(
    <TestApiProvider apis={[[identityApiRef, identityApi]]}>
      <SidebarPage>
        <Sidebar>
          <SidebarSignedInUser />
        </Sidebar>
      </SidebarPage>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('SidebarSignedInUser', () => {
  it('shows who is signed in, linking to their catalog page, and signs out', async () => {
    const identityApi = mockApis.identity.mock({
      getBackstageIdentity: async () => ({
        type: 'user',
        userEntityRef: 'user:default/ada.lovelace',
        ownershipEntityRefs: [],
      }),
      getProfileInfo: async () => ({
        displayName: 'Ada Lovelace',
        email: 'ada@example.com',
      }),
    });
    await renderSidebar(identityApi);
    const you = await screen.findByRole('link', {
      name: 'Signed in as Ada Lovelace (ada@example.com)',
    });
    expect(you).toHaveAttribute('href', '/catalog/default/user/ada.lovelace');
    expect(you).toHaveTextContent('Ada Lovelace');

    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(identityApi.signOut).toHaveBeenCalledTimes(1));
  });

  it("names a user without a profile name by the catalog's name for them", async () => {
    await renderSidebar(
      mockApis.identity({ userEntityRef: 'user:development/guest' }),
    );
    const you = await screen.findByRole('link', {
      name: 'Signed in as development/guest',
    });
    expect(you).toHaveAttribute('href', '/catalog/development/user/guest');
  });

  it('still offers sign-out when the identity cannot be read', async () => {
    await renderSidebar(
      mockApis.identity.mock({
        getBackstageIdentity: async () => {
          throw new Error('session expired');
        },
      }),
    );
    expect(
      await screen.findByRole('button', { name: 'Sign out' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Signed in as/ })).toBeNull();
  });
});
