import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  formatDateTime,
  formatTimeOfDay,
  Incident,
  PageRecord,
  Postmortem,
  PostmortemActionItem,
  Release,
  Severity,
  SEVERITIES,
  TimelineEvent,
} from '@multivac/plugin-multivac-common';

/*
 * What Multivac's notifications say. Every notification has a `scope`
 * (`multivac:<kind>:<reference>`), so that a later send for the same thing
 * updates the recipient's existing notification (marking it unread again)
 * instead of adding one more.
 */

/** `critical`, `high`, `normal` or `low`. */
export type NotificationSeverity = NonNullable<
  NotificationSendOptions['payload']['severity']
>;

/** The payload Multivac sends; `scope` is always set. */
export interface MultivacNotificationPayload {
  title: string;
  description: string;
  link: string;
  severity: NotificationSeverity;
  topic: string;
  scope: string;
}

const INCIDENT_SEVERITY: Record<Severity, NotificationSeverity> = {
  SEV1: 'critical',
  SEV2: 'high',
  SEV3: 'normal',
  SEV4: 'low',
};

/** SEV1 → critical, SEV2 → high, SEV3 → normal, SEV4 → low. */
export function notificationSeverity(severity: Severity): NotificationSeverity {
  return INCIDENT_SEVERITY[severity];
}

export const scopes = {
  incident: (reference: string) => `multivac:incident:${reference}`,
  page: (id: string) => `multivac:page:${id}`,
  postmortem: (reference: string) => `multivac:postmortem:${reference}`,
  actionItem: (id: string) => `multivac:action-item:${id}`,
  release: (reference: string) => `multivac:release:${reference}`,
};

/** `component:default/payments-api` → `payments-api`. */
function shortName(ref: string): string {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

/** Ends `text` with a full stop unless it ends a sentence already. */
function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** True when the event raised the severity (SEV3 → SEV1). */
export function severityRaised(event: TimelineEvent): boolean {
  const from = SEVERITIES.indexOf(event.payload.from as Severity);
  const to = SEVERITIES.indexOf(event.payload.to as Severity);
  return from >= 0 && to >= 0 && to < from;
}

/**
 * Which incident events reach the owners: declared, severity changed (a
 * raise is an escalation; a lowering updates the same notification) and
 * state changes (acknowledged ... resolved, reopened). Notes and role
 * changes do not.
 */
export function notifiesOwners(event: TimelineEvent): boolean {
  return [
    'declared',
    'severity_changed',
    'status_changed',
    'reopened',
  ].includes(event.type);
}

export function incidentPayload(
  incident: Incident,
  event: TimelineEvent,
  link: string,
): MultivacNotificationPayload {
  const ended =
    incident.status === 'resolved' || incident.status === 'cancelled';
  let headline: string;
  if (event.type === 'declared') {
    headline = `${incident.reference} declared`;
  } else if (event.type === 'severity_changed') {
    headline = severityRaised(event)
      ? `${incident.reference} escalated to ${incident.severity}`
      : `${incident.reference} lowered to ${incident.severity}`;
  } else if (event.type === 'reopened') {
    headline = `${incident.reference} reopened`;
  } else {
    headline = `${incident.reference} ${incident.status}`;
  }
  const affects = incident.entityRefs.map(shortName).join(', ');
  return {
    title: `${headline}: ${incident.title}`,
    description: [
      `${incident.severity}, ${incident.status}${
        affects ? `; affects ${affects}` : ''
      }.`,
      incident.description,
    ]
      .filter(Boolean)
      .join(' '),
    link,
    // An ended incident asks nothing more of its owners.
    severity: ended ? 'low' : notificationSeverity(incident.severity),
    topic: 'incident',
    scope: scopes.incident(incident.reference),
  };
}

export function pagePayload(
  page: PageRecord,
  link: string,
): MultivacNotificationPayload {
  const about = shortName(page.entityRef);
  let title: string;
  let severity: NotificationSeverity;
  if (page.status === 'acknowledged' || page.acknowledgedAt) {
    title = `Page acknowledged: ${page.summary}`;
    severity = 'low';
  } else if (page.status === 'resolved' || page.resolvedAt) {
    title = `Page resolved: ${page.summary}`;
    severity = 'low';
  } else {
    title = `You are paged: ${page.summary}`;
    severity = page.urgency === 'high' ? 'critical' : 'normal';
  }
  return {
    title,
    description: `${
      page.urgency === 'high' ? 'High' : 'Low'
    }-urgency page about ${about} (${page.scheduleName}, level ${page.level}).`,
    link,
    severity,
    topic: 'page',
    scope: scopes.page(page.id),
  };
}

export function postmortemPayload(
  postmortem: Postmortem,
  change: 'created' | 'status' | 'due',
): MultivacNotificationPayload {
  const { reference, incidentReference, dueDate } = postmortem;
  let title: string;
  let severity: NotificationSeverity = 'normal';
  if (postmortem.status === 'published') {
    title = `${reference} published`;
    severity = 'low';
  } else if (change === 'due' || postmortem.overdue) {
    title = `${reference} is overdue (was due ${dueDate})`;
    severity = 'high';
  } else if (change === 'created') {
    title = `${reference} is yours to write, due ${dueDate}`;
  } else {
    title = `${reference} is ${postmortem.status.replace(
      /_/g,
      ' ',
    )}, due ${dueDate}`;
  }
  return {
    title: `${title}: ${postmortem.title}`,
    description: `The post-mortem of ${incidentReference} (${postmortem.severity}).`,
    link: postmortem.url,
    severity,
    topic: 'postmortem',
    scope: scopes.postmortem(reference),
  };
}

export function actionItemPayload(
  postmortem: Postmortem,
  item: PostmortemActionItem,
): MultivacNotificationPayload {
  return {
    title: `Action item for you: ${item.title}`,
    description: `From ${postmortem.reference}, the post-mortem of ${
      postmortem.incidentReference
    }${item.dueDate ? `; due ${item.dueDate}` : ''}.`,
    link: postmortem.url,
    severity: 'normal',
    topic: 'action-item',
    scope: scopes.actionItem(item.id),
  };
}

/**
 * A release window as its readers (anywhere) read it: in UTC, named, the
 * end's date left out on the same day ("Dec 7, 2026, 2:10 PM UTC to 2:40 PM
 * UTC").
 */
function describeWindow(release: Release): string {
  const options = { zone: 'UTC', locale: 'en-US' };
  const utcDay = (at: string) => new Date(at).toISOString().slice(0, 10);
  const sameDay = utcDay(release.start) === utcDay(release.end);
  return `${formatDateTime(release.start, options)} to ${
    sameDay
      ? formatTimeOfDay(release.end, 'UTC', 'en-US')
      : formatDateTime(release.end, options)
  }`;
}

export function releasePayload(
  release: Release,
  link: string,
): MultivacNotificationPayload {
  const forced = release.forced!;
  return {
    title: `${release.reference} booked past a blocking conflict: ${shortName(
      release.entityRef,
    )} ${release.title} in ${release.environment}`,
    description: [
      `${describeWindow(release)}.`,
      ...forced.conflicts.map(conflict => asSentence(conflict.sentence)),
      `Reason: ${forced.reason}`,
    ].join(' '),
    link,
    severity: 'high',
    topic: 'release',
    scope: scopes.release(release.reference),
  };
}
