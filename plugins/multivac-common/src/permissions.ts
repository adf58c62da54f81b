import { createPermission } from '@backstage/plugin-permission-common';

/** See incidents, their timelines and their side effects. */
export const incidentReadPermission = createPermission({
  name: 'multivac.incident.read',
  attributes: { action: 'read' },
});

/** Declare a new incident. */
export const incidentCreatePermission = createPermission({
  name: 'multivac.incident.create',
  attributes: { action: 'create' },
});

/** Change an incident: fields, state, roles, notes. */
export const incidentUpdatePermission = createPermission({
  name: 'multivac.incident.update',
  attributes: { action: 'update' },
});

/** See who is on call and the schedules. */
export const oncallReadPermission = createPermission({
  name: 'multivac.oncall.read',
  attributes: { action: 'read' },
});

/** Page whoever is on call, and acknowledge pages. */
export const oncallPagePermission = createPermission({
  name: 'multivac.oncall.page',
  attributes: { action: 'update' },
});

/** See triage reports. */
export const reportReadPermission = createPermission({
  name: 'multivac.report.read',
  attributes: { action: 'read' },
});

/** Submit a triage report, which pages whoever is on call. */
export const reportCreatePermission = createPermission({
  name: 'multivac.report.create',
  attributes: { action: 'create' },
});

export const multivacPermissions = [
  incidentReadPermission,
  incidentCreatePermission,
  incidentUpdatePermission,
  oncallReadPermission,
  oncallPagePermission,
  reportReadPermission,
  reportCreatePermission,
];
