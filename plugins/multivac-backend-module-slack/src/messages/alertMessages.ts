import { Alert, shortRef } from '@multivac/plugin-multivac-common';
import {
  FiringAlerts,
  WorkflowAlertGroup,
} from '@multivac/plugin-multivac-node';
import { Button, KnownBlock } from '@slack/web-api';
import { ACTIONS } from './actions';
import { personText } from './people';
import {
  button,
  escapeTruncated,
  fields,
  section,
  SlackMessage,
  truncate,
} from './blocks';
import { escapeMrkdwn, link, slackDate } from './mrkdwn';

/** Alerts listed in a group's post; the rest are counted. */
const POSTED_ALERTS = 10;
/** Vendor links listed in a group's post. */
const POSTED_LINKS = 5;
/** Alert groups listed by the `alerts` command; the rest are counted. */
export const LISTED_GROUPS = 5;
const LINK_TEXT_MAX = 80;
/** Keeps ten alert lines within a section's 3,000 characters. */
const SUMMARY_MAX = 200;
const SEVERITY_MAX = 40;

/** Only web links: a vendor payload may carry any URL scheme. */
const isWebLink = (url: string) => /^https?:\/\//i.test(url);

const severityOf = (alert: Alert) =>
  alert.severity ? ` (${escapeTruncated(alert.severity, SEVERITY_MAX)})` : '';

function alertLine(alert: Alert): string {
  const severity = severityOf(alert);
  const resolved = alert.status === 'resolved' ? ' — resolved' : '';
  return `• ${escapeTruncated(
    alert.summary,
    SUMMARY_MAX,
  )}${severity}${resolved}`;
}

export interface AlertGroupMessageOptions {
  groupUrl: string;
  incidentUrl?: string;
  /** Catalog user ref → Slack user id, for the people paged and acknowledging. */
  slackIds: Record<string, string>;
  /** Catalog user ref → display name, for people without a Slack user. */
  names?: Record<string, string>;
}

/**
 * A group of alerts that pages, posted to the owning team's channel with
 * Acknowledge and Start incident; updated once someone acknowledged it or
 * started an incident from it.
 */
export function alertGroupMessage(
  group: WorkflowAlertGroup,
  options: AlertGroupMessageOptions,
): SlackMessage {
  const person = (userRef: string, name?: string) =>
    personText(userRef, {
      slackIds: options.slackIds,
      names: name ? { [userRef]: name } : options.names,
    });
  const entity = escapeMrkdwn(shortRef(group.entityRef));
  const alerts = [...group.alerts].sort(
    (a, b) => Number(b.status === 'firing') - Number(a.status === 'firing'),
  );
  const lead = alerts[0];
  const blocks: KnownBlock[] = [
    section(
      `:rotating_light: *${group.firingCount} alert${
        group.firingCount === 1 ? '' : 's'
      } firing on ${entity}*`,
    ),
    section(
      [
        ...alerts.slice(0, POSTED_ALERTS).map(alertLine),
        ...(alerts.length > POSTED_ALERTS
          ? [`…and ${alerts.length - POSTED_ALERTS} more`]
          : []),
      ].join('\n'),
    ),
    fields([
      ['Entity', escapeMrkdwn(group.entityRef)],
      ['Urgency', group.urgency === 'high' ? 'High: pages the on-call' : 'Low'],
      ['Alerts', `${group.alertCount}, ${group.firingCount} firing`],
      ['Since', slackDate(group.createdAt)],
    ]),
  ];
  const links = [
    ...new Set(group.alerts.flatMap(a => a.links).filter(isWebLink)),
  ];
  if (links.length > 0) {
    blocks.push(
      section(
        `*Links*\n${links
          .slice(0, POSTED_LINKS)
          .map(url => `• ${link(url, truncate(url, LINK_TEXT_MAX))}`)
          .join('\n')}${
          links.length > POSTED_LINKS
            ? `\n…and ${links.length - POSTED_LINKS} more in the portal`
            : ''
        }`,
      ),
    );
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: link(options.groupUrl, 'Open the alert group in Backstage'),
      },
    ],
  });

  const { page } = group;
  let state: string;
  if (group.incidentReference) {
    const incident = options.incidentUrl
      ? link(options.incidentUrl, group.incidentReference)
      : group.incidentReference;
    state = `Incident ${incident} started.`;
  } else if (page?.status === 'acknowledged') {
    state = `Acknowledged${
      page.acknowledgedBy ? ` by ${person(page.acknowledgedBy)}` : ''
    }.`;
  } else if (page) {
    const paged = page.targets
      .map(t => (t.userRef ? person(t.userRef, t.name) : escapeMrkdwn(t.name)))
      .join(', ');
    state =
      page.status === 'resolved'
        ? 'The page is resolved.'
        : `Paged ${paged || 'the on-call'}, not acknowledged yet.`;
  } else if (group.status === 'resolved') {
    state = 'All its alerts are resolved.';
  } else {
    state = 'Paging the on-call…';
  }
  blocks.push({ type: 'divider' }, section(state));

  const buttons: Button[] = [];
  if (!group.incidentId && (!page || page.status === 'triggered')) {
    buttons.push(
      button('Acknowledge', ACTIONS.acknowledgeAlertGroup, group.id),
    );
  }
  if (!group.incidentId) {
    buttons.push(
      button('Start incident', ACTIONS.startAlertIncident, group.id, {
        style: 'primary',
      }),
    );
  }
  if (buttons.length > 0) {
    blocks.push({ type: 'actions', elements: buttons });
  }
  return {
    text: `${entity}: ${escapeTruncated(lead?.summary ?? '', SUMMARY_MAX)}${
      group.alertCount > 1 ? ` (+${group.alertCount - 1} more)` : ''
    } — ${state}`,
    blocks,
  };
}

export interface FiringAlertsOptions {
  alertsUrl: string;
  groupUrl(id: string): string;
}

/**
 * The answer to `alerts [service|team]`: what is firing, by group, the
 * most recently updated first, at most `LISTED_GROUPS` of them, and how
 * many more there are with a link to the portal.
 */
export function firingAlertsText(
  firing: FiringAlerts,
  options: FiringAlertsOptions,
): string {
  const where = firing.entityRefs.length
    ? ` on ${escapeMrkdwn(firing.entityRefs.map(shortRef).join(', '))}`
    : '';
  if (firing.totalCount === 0) {
    return `Nothing is firing${where} right now.`;
  }
  // Alerts come most recently updated first: so do their groups.
  const groups = new Map<string, Alert[]>();
  for (const alert of firing.items) {
    const key = alert.groupId ?? `alert:${alert.id}`;
    groups.set(key, [...(groups.get(key) ?? []), alert]);
  }
  const listed = [...groups.values()].slice(0, LISTED_GROUPS);
  const lines = listed.map(alerts => {
    const [newest] = alerts;
    const entity = newest.entityRef
      ? escapeMrkdwn(shortRef(newest.entityRef))
      : 'not routed';
    const count = newest.groupId
      ? link(
          options.groupUrl(newest.groupId),
          `${alerts.length} alert${alerts.length === 1 ? '' : 's'}`,
        )
      : '1 alert';
    const severity = severityOf(newest);
    return `• *${entity}* — ${
      newest.urgency
    } urgency, ${count}, since ${slackDate(
      alerts[alerts.length - 1].startsAt ?? alerts[alerts.length - 1].createdAt,
    )}: ${escapeTruncated(newest.summary, SUMMARY_MAX)}${severity}${
      alerts.length > 1 ? ` and ${alerts.length - 1} more` : ''
    }`;
  });
  const shown = listed.reduce((sum, alerts) => sum + alerts.length, 0);
  const more = firing.totalCount - shown;
  const all = link(options.alertsUrl, 'all alerts in Backstage');
  return [
    `*${firing.totalCount} alert${
      firing.totalCount === 1 ? '' : 's'
    } firing${where}*`,
    ...lines,
    more > 0 ? `…and ${more} more: ${all}` : all,
  ].join('\n');
}
