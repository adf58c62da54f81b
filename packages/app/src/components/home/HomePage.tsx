import { Content, Header, Page } from '@backstage/core-components';
import { WelcomeTitle } from '@backstage/plugin-home';
import { HomePageSearchBar } from '@backstage/plugin-search';
import { SearchContextProvider } from '@backstage/plugin-search-react';
import { Grid } from '@material-ui/core';
import {
  MultivacActiveIncidentsCard,
  MultivacMyActionItemsCard,
  MultivacMyOnCallCard,
  MultivacTeamReleasesCard,
} from '@multivac/plugin-multivac';

/**
 * The portal's home page (`/home`, where `/` leads): the search bar and
 * Multivac's four home cards.
 */
export const HomePage = () => (
  <SearchContextProvider>
    <Page themeId="home">
      <Header title={<WelcomeTitle />} pageTitleOverride="Home" />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <HomePageSearchBar placeholder="Search incidents, post-mortems and the catalog" />
          </Grid>
          <Grid item xs={12} md={6}>
            <MultivacMyOnCallCard />
          </Grid>
          <Grid item xs={12} md={6}>
            <MultivacActiveIncidentsCard />
          </Grid>
          <Grid item xs={12} md={6}>
            <MultivacMyActionItemsCard />
          </Grid>
          <Grid item xs={12} md={6}>
            <MultivacTeamReleasesCard />
          </Grid>
        </Grid>
      </Content>
    </Page>
  </SearchContextProvider>
);
