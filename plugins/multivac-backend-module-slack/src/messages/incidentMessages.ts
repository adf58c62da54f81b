import {
  formatDuration,
  Incident,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { ACTIONS } from './actions';
import { button, listText, section, SlackMessage, truncate } from './blocks';
import {
  channelLink,
  escapeMrkdwn,
  link,
  mention,
  unescapeMrkdwn,
} from './mrkdwn';
import { personText } from './people';

/** Posted in the incident channel when the incident is resolved. */
export function resolvedMessage(
  incident: Incident,
  options: { archiveAfterMinutes?: number },
): SlackMessage {
  const { triggered, resolved } = incident.stateTimestamps;
  const start = Date.parse(triggered ?? incident.createdAt);
  const took = resolved
    ? ` It took ${formatDuration(Date.parse(resolved) - start)}.`
    : '';
  const text = `${incident.reference} is resolved.${took}`;

  const lines = [text];
  if (options.archiveAfterMinutes !== undefined) {
    lines.push(
      options.archiveAfterMinutes > 0
        ? `This channel will be archived in ${formatDuration(
            options.archiveAfterMinutes * 60_000,
          )}.`
        : 'This channel will be archived now.',
    );
  }
  return {
    text,
    blocks: [
      section(lines.join('\n')),
      section("Let's write the post-mortem while it is fresh."),
      {
        type: 'actions',
        elements: [
          button('Write post-mortem', ACTIONS.writePostmortem, incident.id, {
            style: 'primary',
          }),
        ],
      },
    ],
  };
}

/** Posted in the owning team's channel when an incident is declared. */
export function announcement(
  incident: Incident,
  channelId: string,
): SlackMessage {
  const text = `:rotating_light: ${incident.severity} ${
    incident.reference
  } declared: ${escapeMrkdwn(incident.title)} — affects ${affected(
    incident,
  )}. Join ${channelLink(channelId)}.`;
  return { text, blocks: [section(text)] };
}

/**
 * Posted in the triage channel when an incident is declared (in the thread
 * of its report, when it was started from one), and updated with the
 * incident's channel once that exists.
 */
export function triageAnnouncement(
  incident: Incident,
  options: {
    /** Who declared it: a mention, or a name (escaped). */
    declaredBy: string;
    channelId?: string;
    incidentUrl: string;
  },
): SlackMessage {
  const where = options.channelId
    ? `Join ${channelLink(options.channelId)}.`
    : 'I am opening its channel.';
  const text = `:rotating_light: ${incident.severity} ${
    incident.reference
  } declared by ${options.declaredBy}: ${escapeMrkdwn(
    incident.title,
  )}. ${where}`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: link(
              options.incidentUrl,
              `Open ${incident.reference} in Backstage`,
            ),
          },
        ],
      },
    ],
  };
}

/** Key messages longer than this are cut; the permalink has the rest. */
const KEY_MESSAGE_MAX = 1000;

/**
 * A key message of an incident channel as a timeline note (plain text):
 * who wrote it, what it says and where it is.
 */
export function keyMessageNote(message: {
  author: string;
  /** The message's text as Slack stores it (mrkdwn, `&<>` escaped). */
  text: string;
  permalink: string;
  /** Set when whoever marked it is not in the catalog: their Slack name. */
  markedBy?: string;
}): string {
  const text =
    truncate(unescapeMrkdwn(message.text).trim(), KEY_MESSAGE_MAX) ||
    '(no text)';
  const markedBy = message.markedBy ? `, marked by ${message.markedBy}` : '';
  return `Key message from ${message.author}${markedBy}: ${text} (${message.permalink})`;
}

/** The first message in the incident channel. */
export function declaredMessage(
  incident: Incident,
  options: {
    reporter?: string;
    invited: string[];
    /** Catalog ref → display name, for who declared it. */
    names?: Record<string, string>;
  },
): SlackMessage {
  const who = options.reporter
    ? mention(options.reporter)
    : personText(incident.createdBy, { slackIds: {}, names: options.names });
  const declared = `${who} declared ${incident.reference} (${
    incident.severity
  }): ${escapeMrkdwn(incident.title)}. It affects ${affected(incident)}.`;
  const invited =
    options.invited.length > 0
      ? `I invited ${listText(options.invited.map(mention), 20)}.`
      : 'Nobody else was invited yet.';
  const help = 'Type `help` here for what I can do.';
  return {
    text: declared,
    blocks: [section(`${declared}\n${invited}\n${help}`)],
  };
}

function affected(incident: Incident): string {
  return listText(incident.entityRefs.map(ref => escapeMrkdwn(shortRef(ref))));
}
