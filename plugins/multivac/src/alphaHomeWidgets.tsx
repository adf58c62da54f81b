import { compatWrapper } from '@backstage/core-compat-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';

/* The home page cards as widgets of the new frontend system's home page. */

export const homeMyOnCallWidget = HomePageWidgetBlueprint.make({
  name: 'my-oncall',
  params: {
    name: 'MultivacMyOnCallCard',
    title: 'My on-call shifts',
    components: () =>
      import('./components/HomeMyOnCallCard').then(m => ({
        Content: () => compatWrapper(<m.HomeMyOnCallCard />),
      })),
  },
});

export const homeActiveIncidentsWidget = HomePageWidgetBlueprint.make({
  name: 'active-incidents',
  params: {
    name: 'MultivacActiveIncidentsCard',
    title: 'Active incidents',
    components: () =>
      import('./components/HomeActiveIncidentsCard').then(m => ({
        Content: () => compatWrapper(<m.HomeActiveIncidentsCard />),
      })),
  },
});

export const homeMyActionItemsWidget = HomePageWidgetBlueprint.make({
  name: 'my-action-items',
  params: {
    name: 'MultivacMyActionItemsCard',
    title: 'My action items',
    components: () =>
      import('./components/HomeMyActionItemsCard').then(m => ({
        Content: () => compatWrapper(<m.HomeMyActionItemsCard />),
      })),
  },
});

export const homeTeamReleasesWidget = HomePageWidgetBlueprint.make({
  name: 'team-releases',
  params: {
    name: 'MultivacTeamReleasesCard',
    title: 'Upcoming releases of my team',
    components: () =>
      import('./components/HomeTeamReleasesCard').then(m => ({
        Content: () => compatWrapper(<m.HomeTeamReleasesCard />),
      })),
  },
});
