import {
  IMPACT_SCOPE_LABELS,
  isLowerSeverity,
  PageRecord,
  shortRef,
  TriageReport,
  USERS_AFFECTED_LABELS,
} from '@multivac/plugin-multivac-common';
import { Button, KnownBlock } from '@slack/web-api';
import { ACTIONS } from './actions';
import {
  button,
  SlackMessage,
  escapeTruncated,
  fields,
  joinLines,
  LONG_TEXT_MAX,
  section,
  SECTION_TEXT_MAX,
  truncate,
} from './blocks';
import { channelLink, escapeMrkdwn, link, mention, slackDate } from './mrkdwn';
import { personText } from './people';

export interface TriageMessageOptions {
  /** Slack user id of the reporter, if known. */
  reporter?: string;
  /** Catalog user ref → Slack user id. */
  slackIds: Record<string, string>;
  /** Catalog user ref → display name, for people without a Slack user. */
  names?: Record<string, string>;
  reportUrl: string;
  incidentUrl?: string;
  incidentChannelId?: string;
}

/** Links are shown with their URL as text, cut to this length. */
const LINK_TEXT_MAX = 80;

/**
 * The bot's answer to a triage report, updated as paging goes on: the
 * report, who is paged and where that stands, and what to do next.
 */
export function triageMessage(
  report: TriageReport,
  options: TriageMessageOptions,
): SlackMessage {
  const { slackIds } = options;
  const person = (userRef: string) => personText(userRef, options);
  const reporter = options.reporter
    ? mention(options.reporter)
    : person(report.reportedBy);
  const entity = escapeMrkdwn(shortRef(report.entityRef));

  const blocks: KnownBlock[] = [
    section(`Hi ${reporter}, I'll find the on-call person for ${entity}.`),
    section(`*${report.reference}: ${escapeMrkdwn(report.title)}*`),
    fields([
      ['Severity', describeSeverity(report)],
      ['Users affected', USERS_AFFECTED_LABELS[report.usersAffected]],
      ['Where', escapeMrkdwn(describeWhere(report))],
      [
        'Customer-facing',
        report.customerFacing ? 'Yes, customers see it' : 'No, internal',
      ],
      ['Started', report.startedAt ? slackDate(report.startedAt) : 'not given'],
      ['Reported by', person(report.reportedBy)],
    ]),
  ];
  if (report.severityReason && report.severity !== report.rubricSeverity) {
    blocks.push(
      section(
        `*Why not ${report.rubricSeverity}:* ${escapeTruncated(
          report.severityReason,
          LONG_TEXT_MAX,
        )}`,
      ),
    );
  }
  if (report.description.trim()) {
    blocks.push(
      section(
        `*Description*\n${escapeTruncated(report.description, LONG_TEXT_MAX)}`,
      ),
    );
  }
  if (report.links.length > 0) {
    const lines = report.links.map(
      url => `• ${link(url, truncate(url, LINK_TEXT_MAX))}`,
    );
    blocks.push(
      section(
        `*Links*\n${joinLines(
          lines,
          SECTION_TEXT_MAX - 20,
          count => `…and ${count} more in the portal`,
        )}`,
      ),
    );
  }
  blocks.push(
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: link(
            options.reportUrl,
            `Open ${report.reference} in Backstage`,
          ),
        },
      ],
    },
    { type: 'divider' },
    section(`*On call*\n${describePaging(report, slackIds, person)}`),
  );

  if (report.incidentReference) {
    const incident = options.incidentUrl
      ? link(options.incidentUrl, report.incidentReference)
      : report.incidentReference;
    const channel = options.incidentChannelId
      ? ` in ${channelLink(options.incidentChannelId)}`
      : '';
    blocks.push(section(`Started ${incident}${channel}.`));
  }

  const buttons: Button[] = [];
  const triggered = [...report.pages]
    .reverse()
    .find(page => page.status === 'triggered');
  if (triggered) {
    buttons.push(
      button('Acknowledge', ACTIONS.acknowledgeReport, triggered.id),
    );
  }
  if (!report.incidentId) {
    buttons.push(
      button('Start incident', ACTIONS.startIncident, report.id, {
        style: 'primary',
      }),
    );
  }
  if (buttons.length > 0) {
    blocks.push({ type: 'actions', elements: buttons });
  }

  return {
    text: `${report.reference} ${report.severity} ${entity}: ${escapeMrkdwn(
      report.title,
    )} — ${describeState(report)}`,
    blocks,
  };
}

function describeSeverity(report: TriageReport): string {
  if (report.severity === report.rubricSeverity) {
    return report.severity;
  }
  const change = isLowerSeverity(report.severity, report.rubricSeverity)
    ? 'lowered'
    : 'raised';
  return `${report.severity}, ${change} from the rubric's ${report.rubricSeverity}`;
}

function describeWhere(report: TriageReport): string {
  const label = IMPACT_SCOPE_LABELS[report.scope];
  const detail =
    (report.scope === 'region' && report.region) ||
    (report.scope === 'customer' && report.customer);
  return detail ? `${label}: ${detail}` : label;
}

/** One line per page, or where paging stands when nobody was paged yet. */
function describePaging(
  report: TriageReport,
  slackIds: Record<string, string>,
  person: (userRef: string) => string,
): string {
  if (report.pages.length === 0) {
    return escapeTruncated(report.paging, LONG_TEXT_MAX);
  }
  const lines = report.pages.map(page => {
    const who =
      page.targets
        .map(target => {
          const slackId = target.userRef && slackIds[target.userRef];
          const name = slackId ? mention(slackId) : escapeMrkdwn(target.name);
          return target.phone
            ? `${name}, phone ${escapeMrkdwn(target.phone)}`
            : name;
        })
        .join('; ') || 'nobody at this level';
    const schedule = `level ${page.level} of ${escapeMrkdwn(
      page.scheduleName,
    )}${page.fallback ? ' (fallback schedule)' : ''}`;
    return `• ${who} (${schedule}) — ${describePageStatus(page, person)}`;
  });
  return joinLines(
    lines,
    SECTION_TEXT_MAX - 20,
    count => `…and ${count} more pages in the portal`,
  );
}

function describePageStatus(
  page: PageRecord,
  person: (userRef: string) => string,
): string {
  switch (page.status) {
    case 'triggered':
      return 'paged, not acknowledged yet';
    case 'acknowledged':
      return page.acknowledgedBy
        ? `acknowledged by ${person(page.acknowledgedBy)}`
        : 'acknowledged';
    default:
      return 'resolved';
  }
}

/** The notification line's ending. */
function describeState(report: TriageReport): string {
  if (report.incidentReference) {
    return `${report.incidentReference} started`;
  }
  if (report.pages.some(page => page.status === 'acknowledged')) {
    return 'the on-call person acknowledged it';
  }
  return 'paging the on-call person';
}
