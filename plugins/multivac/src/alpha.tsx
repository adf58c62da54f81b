/**
 * The Multivac plugin for Backstage's new frontend system.
 *
 * @packageDocumentation
 */
import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import WhatshotIcon from '@material-ui/icons/Whatshot';
import { multivacApiRef } from './api/MultivacApi';
import { MultivacClient } from './api/MultivacClient';
import { rootRouteRef } from './routes';
import {
  homeActiveIncidentsWidget,
  homeMyActionItemsWidget,
  homeMyOnCallWidget,
  homeTeamReleasesWidget,
} from './alphaHomeWidgets';

const multivacApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: multivacApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new MultivacClient(deps),
    }),
});

const multivacPage = PageBlueprint.make({
  params: {
    path: '/multivac',
    title: 'Incidents',
    icon: <WhatshotIcon />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    // the pages bring their own Backstage header
    noHeader: true,
    loader: () =>
      import('./components/MultivacPage').then(m =>
        compatWrapper(<m.MultivacPage />),
      ),
  },
});

const entityIncidentsContent = EntityContentBlueprint.make({
  name: 'incidents',
  params: {
    path: '/incidents',
    title: 'Incidents',
    filter: {
      kind: { $in: ['component', 'system', 'group', 'resource', 'api'] },
    },
    loader: () =>
      import('./components/EntityIncidentsContent').then(m =>
        compatWrapper(<m.EntityIncidentsContent />),
      ),
  },
});

const entityPostmortemsContent = EntityContentBlueprint.make({
  name: 'postmortems',
  params: {
    path: '/postmortems',
    title: 'Post-mortems',
    filter: {
      kind: { $in: ['component', 'system', 'group', 'resource', 'api'] },
    },
    loader: () =>
      import('./components/EntityPostmortemsContent').then(m =>
        compatWrapper(<m.EntityPostmortemsContent />),
      ),
  },
});

const entityReleasesContent = EntityContentBlueprint.make({
  name: 'releases',
  params: {
    path: '/releases',
    title: 'Releases',
    filter: {
      kind: { $in: ['component', 'system', 'group', 'resource', 'api'] },
    },
    loader: () =>
      import('./components/EntityReleasesContent').then(m =>
        compatWrapper(<m.EntityReleasesContent />),
      ),
  },
});

const entityAlertsContent = EntityContentBlueprint.make({
  name: 'alerts',
  params: {
    path: '/alerts',
    title: 'Alerts',
    filter: {
      kind: { $in: ['component', 'system', 'group', 'resource', 'api'] },
    },
    loader: () =>
      import('./components/EntityAlertsContent').then(m =>
        compatWrapper(<m.EntityAlertsContent />),
      ),
  },
});

const entityOnCallCard = EntityCardBlueprint.make({
  name: 'oncall',
  params: {
    filter: {
      kind: { $in: ['component', 'system', 'group', 'resource', 'api'] },
    },
    loader: () =>
      import('./components/OnCallCard').then(m =>
        compatWrapper(<m.OnCallCard />),
      ),
  },
});

const entityHealthContent = EntityContentBlueprint.make({
  name: 'health',
  params: {
    path: '/health',
    title: 'Health',
    filter: { kind: 'group' },
    loader: () =>
      import('./components/EntityHealthContent').then(m =>
        compatWrapper(<m.EntityHealthContent />),
      ),
  },
});

const entityInsightsCard = EntityCardBlueprint.make({
  name: 'insights',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityInsightsCard').then(m =>
        compatWrapper(<m.EntityInsightsCard />),
      ),
  },
});

const entitySchedulePagerDutyCard = EntityCardBlueprint.make({
  name: 'pagerduty',
  params: {
    filter: { kind: 'schedule' },
    loader: () =>
      import('./components/SchedulePagerDuty').then(m =>
        compatWrapper(<m.SchedulePagerDutyCard />),
      ),
  },
});

export default createFrontendPlugin({
  pluginId: 'multivac',
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  extensions: [
    multivacApi,
    multivacPage,
    entityIncidentsContent,
    entityAlertsContent,
    entityPostmortemsContent,
    entityReleasesContent,
    entityOnCallCard,
    entityHealthContent,
    entityInsightsCard,
    entitySchedulePagerDutyCard,
    homeMyOnCallWidget,
    homeActiveIncidentsWidget,
    homeMyActionItemsWidget,
    homeTeamReleasesWidget,
  ],
});
