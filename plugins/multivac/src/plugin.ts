import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { multivacApiRef } from './api/MultivacApi';
import { MultivacClient } from './api/MultivacClient';
import { rootRouteRef } from './routes';

/** @public */
export const multivacPlugin = createPlugin({
  id: 'multivac',
  apis: [
    createApiFactory({
      api: multivacApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new MultivacClient(deps),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The `/multivac` pages: incidents, alerts, triage reports, on-call,
 * post-mortems.
 *
 * @public
 */
export const MultivacPage = multivacPlugin.provide(
  createRoutableExtension({
    name: 'MultivacPage',
    component: () =>
      import('./components/MultivacPage').then(m => m.MultivacPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * Incidents tab for Component, System and Group pages.
 *
 * @public
 */
export const EntityMultivacIncidentsContent = multivacPlugin.provide(
  createComponentExtension({
    name: 'EntityMultivacIncidentsContent',
    component: {
      lazy: () =>
        import('./components/EntityIncidentsContent').then(
          m => m.EntityIncidentsContent,
        ),
    },
  }),
);

/**
 * Post-mortems tab for Component, System and Group pages.
 *
 * @public
 */
export const EntityMultivacPostmortemsContent = multivacPlugin.provide(
  createComponentExtension({
    name: 'EntityMultivacPostmortemsContent',
    component: {
      lazy: () =>
        import('./components/EntityPostmortemsContent').then(
          m => m.EntityPostmortemsContent,
        ),
    },
  }),
);

/**
 * Alerts tab for Component, System and Group pages: what is firing now and
 * what resolved lately.
 *
 * @public
 */
export const EntityMultivacAlertsContent = multivacPlugin.provide(
  createComponentExtension({
    name: 'EntityMultivacAlertsContent',
    component: {
      lazy: () =>
        import('./components/EntityAlertsContent').then(
          m => m.EntityAlertsContent,
        ),
    },
  }),
);

/**
 * On-call card for entity overview pages.
 *
 * @public
 */
export const EntityMultivacOnCallCard = multivacPlugin.provide(
  createComponentExtension({
    name: 'EntityMultivacOnCallCard',
    component: {
      lazy: () => import('./components/OnCallCard').then(m => m.OnCallCard),
    },
  }),
);

/**
 * Releases tab for Component, System and Group pages: its upcoming and past
 * releases and its dependencies' upcoming ones.
 *
 * @public
 */
export const EntityMultivacReleasesContent = multivacPlugin.provide(
  createComponentExtension({
    name: 'EntityMultivacReleasesContent',
    component: {
      lazy: () =>
        import('./components/EntityReleasesContent').then(
          m => m.EntityReleasesContent,
        ),
    },
  }),
);

/**
 * Health tab for Group pages: the team's report card (a verdict and its
 * reason per line) and its on-call load per person.
 *
 * @public
 */
export const EntityMultivacHealthContent = multivacPlugin.provide(
  createComponentExtension({
    name: 'EntityMultivacHealthContent',
    component: {
      lazy: () =>
        import('./components/EntityHealthContent').then(
          m => m.EntityHealthContent,
        ),
    },
  }),
);

/**
 * Compact card for Component pages: the last 30 days' incidents, MTTA, MTTR
 * and change failure rate.
 *
 * @public
 */
export const EntityMultivacInsightsCard = multivacPlugin.provide(
  createComponentExtension({
    name: 'EntityMultivacInsightsCard',
    component: {
      lazy: () =>
        import('./components/EntityInsightsCard').then(
          m => m.EntityInsightsCard,
        ),
    },
  }),
);

/**
 * PagerDuty card for Schedule entity pages: the last reconcile to PagerDuty,
 * the dry run (what a reconcile would change) and **Reconcile now**.
 *
 * @public
 */
export const EntityMultivacSchedulePagerDutyCard = multivacPlugin.provide(
  createComponentExtension({
    name: 'EntityMultivacSchedulePagerDutyCard',
    component: {
      lazy: () =>
        import('./components/SchedulePagerDuty').then(
          m => m.SchedulePagerDutyCard,
        ),
    },
  }),
);
