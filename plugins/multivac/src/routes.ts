import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

export const rootRouteRef = createRouteRef({ id: 'multivac' });

export const incidentsRouteRef = createSubRouteRef({
  id: 'multivac/incidents',
  parent: rootRouteRef,
  path: '/incidents',
});

export const incidentRouteRef = createSubRouteRef({
  id: 'multivac/incident',
  parent: rootRouteRef,
  path: '/incidents/:id',
});

/** The triage form: tell the on-call person about a problem. */
export const reportRouteRef = createSubRouteRef({
  id: 'multivac/report',
  parent: rootRouteRef,
  path: '/report',
});

export const reportsRouteRef = createSubRouteRef({
  id: 'multivac/reports',
  parent: rootRouteRef,
  path: '/reports',
});

export const reportDetailsRouteRef = createSubRouteRef({
  id: 'multivac/report-details',
  parent: rootRouteRef,
  path: '/reports/:id',
});

export const postmortemsRouteRef = createSubRouteRef({
  id: 'multivac/postmortems',
  parent: rootRouteRef,
  path: '/postmortems',
});

/** By id or reference (`PM-7`). */
export const postmortemRouteRef = createSubRouteRef({
  id: 'multivac/postmortem',
  parent: rootRouteRef,
  path: '/postmortems/:id',
});

export const releasesRouteRef = createSubRouteRef({
  id: 'multivac/releases',
  parent: rootRouteRef,
  path: '/releases',
});

/** The calendar with one release open, by id or reference (`REL-7`). */
export const releaseRouteRef = createSubRouteRef({
  id: 'multivac/release',
  parent: rootRouteRef,
  path: '/releases/:id',
});

/** Alerts from monitoring; filters in the query string. */
export const alertsRouteRef = createSubRouteRef({
  id: 'multivac/alerts',
  parent: rootRouteRef,
  path: '/alerts',
});

/** One alert group: its alerts, Acknowledge and Start incident. */
export const alertGroupRouteRef = createSubRouteRef({
  id: 'multivac/alert-group',
  parent: rootRouteRef,
  path: '/alerts/groups/:id',
});

/** Integrations admin: delivery URLs, secrets, the routing preview. */
export const alertIntegrationsRouteRef = createSubRouteRef({
  id: 'multivac/alert-integrations',
  parent: rootRouteRef,
  path: '/alerts/integrations',
});
