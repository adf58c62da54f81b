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
