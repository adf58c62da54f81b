import { createCardExtension } from '@backstage/plugin-home-react';
import { multivacPlugin } from './plugin';

/**
 * Home page card: the signed-in user's on-call shifts on the built-in
 * schedules over the next 14 days.
 *
 * @public
 */
export const MultivacMyOnCallCard = multivacPlugin.provide(
  createCardExtension<{}>({
    name: 'MultivacMyOnCallCard',
    title: 'My on-call shifts',
    components: () =>
      import('./components/HomeMyOnCallCard').then(m => ({
        Content: m.HomeMyOnCallCard,
      })),
  }),
);

/**
 * Home page card: the five newest incidents not yet resolved.
 *
 * @public
 */
export const MultivacActiveIncidentsCard = multivacPlugin.provide(
  createCardExtension<{}>({
    name: 'MultivacActiveIncidentsCard',
    title: 'Active incidents',
    components: () =>
      import('./components/HomeActiveIncidentsCard').then(m => ({
        Content: m.HomeActiveIncidentsCard,
      })),
  }),
);

/**
 * Home page card: the signed-in user's open post-mortem action items, the
 * earliest due first.
 *
 * @public
 */
export const MultivacMyActionItemsCard = multivacPlugin.provide(
  createCardExtension<{}>({
    name: 'MultivacMyActionItemsCard',
    title: 'My action items',
    components: () =>
      import('./components/HomeMyActionItemsCard').then(m => ({
        Content: m.HomeMyActionItemsCard,
      })),
  }),
);

/**
 * Home page card: planned or in-progress releases of what the signed-in
 * user's groups own, over the next 7 days.
 *
 * @public
 */
export const MultivacTeamReleasesCard = multivacPlugin.provide(
  createCardExtension<{}>({
    name: 'MultivacTeamReleasesCard',
    title: 'Upcoming releases of my team',
    components: () =>
      import('./components/HomeTeamReleasesCard').then(m => ({
        Content: m.HomeTeamReleasesCard,
      })),
  }),
);
