import {
  Incident,
  isActiveStatus,
  roleHolder,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { Button, KnownBlock } from '@slack/web-api';
import { ACTIONS } from './actions';
import {
  button,
  SlackMessage,
  escapeTruncated,
  fields,
  HEADER_TEXT_MAX,
  listText,
  LONG_TEXT_MAX,
  section,
  truncate,
} from './blocks';
import { escapeMrkdwn, mention, slackDate } from './mrkdwn';

export interface IncidentSummaryOptions {
  incidentUrl: string;
  /** Catalog user ref → Slack user id. */
  slackIds: Record<string, string>;
  /** Catalog user ref → display name. */
  names: Record<string, string>;
}

/** Slack rejects a longer channel topic. */
const TOPIC_MAX = 250;

/** The summary pinned in the incident channel, updated as it changes. */
export function incidentSummary(
  incident: Incident,
  options: IncidentSummaryOptions,
): SlackMessage {
  const controller = roleHolder(incident, 'controller');
  const controllerText = controller
    ? personText(controller, options)
    : 'nobody yet';

  const blocks: KnownBlock[] = [
    {
      type: 'header',
      // plain_text: Slack shows it as is, so it is not escaped
      text: {
        type: 'plain_text',
        text: truncate(
          `${incident.reference}: ${incident.title}`,
          HEADER_TEXT_MAX,
        ),
      },
    },
    fields([
      ['Severity', incident.severity],
      ['Status', incident.status],
      ['Controller', controllerText],
      [
        'Affected',
        listText(incident.entityRefs.map(ref => escapeMrkdwn(shortRef(ref)))),
      ],
      ['Started', slackDate(incident.createdAt)],
    ]),
  ];
  if (incident.impact.trim()) {
    blocks.push(
      section(`*Impact*\n${escapeTruncated(incident.impact, LONG_TEXT_MAX)}`),
    );
  }
  if (incident.summary.trim()) {
    blocks.push(
      section(`*Summary*\n${escapeTruncated(incident.summary, LONG_TEXT_MAX)}`),
    );
  }

  const buttons: Button[] = [
    {
      type: 'button',
      text: { type: 'plain_text', text: 'Open in Backstage' },
      url: options.incidentUrl,
    },
  ];
  if (isActiveStatus(incident.status)) {
    buttons.push(
      button('Resolve', ACTIONS.resolveIncident, incident.id, {
        style: 'danger',
        confirm: {
          title: { type: 'plain_text', text: `Resolve ${incident.reference}?` },
          text: {
            type: 'plain_text',
            text: `This marks ${incident.reference} resolved for everyone.`,
          },
          confirm: { type: 'plain_text', text: 'Resolve' },
          deny: { type: 'plain_text', text: 'Not yet' },
          style: 'danger',
        },
      }),
    );
  } else if (incident.status === 'resolved') {
    buttons.push(
      button('Write post-mortem', ACTIONS.writePostmortem, incident.id),
    );
  }
  blocks.push({ type: 'actions', elements: buttons });

  return {
    text: `${incident.reference}: ${escapeMrkdwn(incident.title)} (${
      incident.severity
    }, ${incident.status})`,
    blocks,
  };
}

/** A mention when the person is in Slack, else their name. */
function personText(
  userRef: string,
  { slackIds, names }: IncidentSummaryOptions,
): string {
  if (slackIds[userRef]) {
    return mention(slackIds[userRef]);
  }
  return escapeMrkdwn(names[userRef] ?? shortRef(userRef));
}

/** The incident channel's topic: "SEV2 | investigating | controller: Ada Lovelace". */
export function incidentTopic(
  incident: Incident,
  controllerName?: string,
): string {
  return truncate(
    `${incident.severity} | ${incident.status} | controller: ${
      controllerName ?? 'nobody yet'
    }`,
    TOPIC_MAX,
  );
}
