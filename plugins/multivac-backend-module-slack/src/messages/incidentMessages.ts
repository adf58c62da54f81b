import {
  formatDuration,
  Incident,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { ACTIONS } from './actions';
import { button, listText, section, SlackMessage } from './blocks';
import { channelLink, escapeMrkdwn, mention } from './mrkdwn';

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

/** The first message in the incident channel. */
export function declaredMessage(
  incident: Incident,
  options: { reporter?: string; invited: string[] },
): SlackMessage {
  const who = options.reporter
    ? mention(options.reporter)
    : escapeMrkdwn(shortRef(incident.createdBy));
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
