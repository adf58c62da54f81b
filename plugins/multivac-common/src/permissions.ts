import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource types of the permissions that act on one item. Their resource
 * refs are the item's human reference (`INC-7`, `PM-3`, `REL-12`) or, for
 * pages, the page's id.
 *
 * @public
 */
export const RESOURCE_TYPE_MULTIVAC_INCIDENT = 'multivac-incident';
/** @public */
export const RESOURCE_TYPE_MULTIVAC_POSTMORTEM = 'multivac-postmortem';
/** @public */
export const RESOURCE_TYPE_MULTIVAC_PAGE = 'multivac-page';
/** @public */
export const RESOURCE_TYPE_MULTIVAC_RELEASE = 'multivac-release';

/**
 * See incidents, their timelines and their side effects.
 *
 * @public
 */
export const incidentReadPermission = createPermission({
  name: 'multivac.incident.read',
  resourceType: RESOURCE_TYPE_MULTIVAC_INCIDENT,
  attributes: { action: 'read' },
});

/**
 * Declare a new incident.
 *
 * @public
 */
export const incidentCreatePermission = createPermission({
  name: 'multivac.incident.create',
  attributes: { action: 'create' },
});

/**
 * Change an incident: fields, state, roles, notes.
 *
 * @public
 */
export const incidentUpdatePermission = createPermission({
  name: 'multivac.incident.update',
  resourceType: RESOURCE_TYPE_MULTIVAC_INCIDENT,
  attributes: { action: 'update' },
});

/**
 * See who is on call and the schedules.
 *
 * @public
 */
export const oncallReadPermission = createPermission({
  name: 'multivac.oncall.read',
  attributes: { action: 'read' },
});

/**
 * Page whoever is on call (or a person, or a schedule).
 *
 * @public
 */
export const oncallPagePermission = createPermission({
  name: 'multivac.oncall.page',
  attributes: { action: 'update' },
});

/**
 * See pages (the list on the On call card and page, and one page). A
 * conditional decision (e.g. IS_PAGE_TARGET) narrows the list in SQL.
 *
 * @public
 */
export const pageReadPermission = createPermission({
  name: 'multivac.page.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_MULTIVAC_PAGE,
});

/**
 * Acknowledge a page, which stops its escalation.
 *
 * @public
 */
export const pageAcknowledgePermission = createPermission({
  name: 'multivac.page.acknowledge',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_MULTIVAC_PAGE,
});

/**
 * See triage reports.
 *
 * @public
 */
export const reportReadPermission = createPermission({
  name: 'multivac.report.read',
  attributes: { action: 'read' },
});

/**
 * Submit a triage report, which pages whoever is on call.
 *
 * @public
 */
export const reportCreatePermission = createPermission({
  name: 'multivac.report.create',
  attributes: { action: 'create' },
});

/**
 * See post-mortems and export them.
 *
 * @public
 */
export const postmortemReadPermission = createPermission({
  name: 'multivac.postmortem.read',
  resourceType: RESOURCE_TYPE_MULTIVAC_POSTMORTEM,
  attributes: { action: 'read' },
});

/**
 * Create the post-mortem of a resolved incident.
 *
 * @public
 */
export const postmortemCreatePermission = createPermission({
  name: 'multivac.postmortem.create',
  attributes: { action: 'create' },
});

/**
 * Edit a post-mortem: sections, owner, reviewers, due date, action items, and
 * moving it between draft and review.
 *
 * @public
 */
export const postmortemUpdatePermission = createPermission({
  name: 'multivac.postmortem.update',
  resourceType: RESOURCE_TYPE_MULTIVAC_POSTMORTEM,
  attributes: { action: 'update' },
});

/**
 * Publish a post-mortem that is in review.
 *
 * @public
 */
export const postmortemPublishPermission = createPermission({
  name: 'multivac.postmortem.publish',
  resourceType: RESOURCE_TYPE_MULTIVAC_POSTMORTEM,
  attributes: { action: 'update' },
});

/**
 * See the release calendar and subscribe to its iCalendar feeds.
 *
 * @public
 */
export const releaseReadPermission = createPermission({
  name: 'multivac.release.read',
  resourceType: RESOURCE_TYPE_MULTIVAC_RELEASE,
  attributes: { action: 'read' },
});

/**
 * Book a release (CI with an external access token included).
 *
 * @public
 */
export const releaseCreatePermission = createPermission({
  name: 'multivac.release.create',
  attributes: { action: 'create' },
});

/**
 * Move a release's window, edit it, and change its status.
 *
 * @public
 */
export const releaseUpdatePermission = createPermission({
  name: 'multivac.release.update',
  resourceType: RESOURCE_TYPE_MULTIVAC_RELEASE,
  attributes: { action: 'update' },
});

/**
 * Book or move a release past blocking conflicts (with `force.reason`).
 *
 * @public
 */
export const releaseForcePermission = createPermission({
  name: 'multivac.release.force',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_MULTIVAC_RELEASE,
});

/**
 * See alerts from monitoring and their groups.
 *
 * @public
 */
export const alertReadPermission = createPermission({
  name: 'multivac.alert.read',
  attributes: { action: 'read' },
});

/**
 * Act on alerts: acknowledge, resolve, turn a group into an incident.
 *
 * @public
 */
export const alertUpdatePermission = createPermission({
  name: 'multivac.alert.update',
  attributes: { action: 'update' },
});

/**
 * Manage alert integrations: see their routing and preview it.
 *
 * @public
 */
export const integrationManagePermission = createPermission({
  name: 'multivac.integration.manage',
  attributes: { action: 'update' },
});

/**
 * See insights: incident metrics, interruptions and on-call load of every
 * team. A person's own interruptions are visible to them without it.
 *
 * @public
 */
export const insightsReadPermission = createPermission({
  name: 'multivac.insights.read',
  attributes: { action: 'read' },
});

/**
 * Cover a shift: store an override putting a person on call for a window of
 * a built-in schedule, or cancel one (a basic permission; the sample policy
 * lets any signed-in user cover).
 *
 * @public
 */
export const oncallOverridePermission = createPermission({
  name: 'multivac.oncall.override',
  attributes: { action: 'create' },
});

/**
 * Reconcile on-call schedules to PagerDuty: apply a Schedule entity to
 * PagerDuty (schedule, escalation policy, service links) and import a
 * PagerDuty schedule as a Schedule file. Seeing the plan and the state of a
 * reconcile needs `multivac.oncall.read`.
 *
 * @public
 */
export const oncallReconcilePermission = createPermission({
  name: 'multivac.oncall.reconcile',
  attributes: { action: 'update' },
});

/** @public */
export const multivacPermissions = [
  incidentReadPermission,
  incidentCreatePermission,
  incidentUpdatePermission,
  oncallReadPermission,
  oncallPagePermission,
  pageReadPermission,
  pageAcknowledgePermission,
  reportReadPermission,
  reportCreatePermission,
  postmortemReadPermission,
  postmortemCreatePermission,
  postmortemUpdatePermission,
  postmortemPublishPermission,
  releaseReadPermission,
  releaseCreatePermission,
  releaseUpdatePermission,
  releaseForcePermission,
  alertReadPermission,
  alertUpdatePermission,
  integrationManagePermission,
  insightsReadPermission,
  oncallOverridePermission,
  oncallReconcilePermission,
];
