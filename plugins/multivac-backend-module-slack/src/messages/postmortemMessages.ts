import { Postmortem } from '@multivac/plugin-multivac-common';
import { link } from './mrkdwn';

/** `PM-7` linked to the portal, with its title. */
function postmortemLink(postmortem: Postmortem): string {
  return link(postmortem.url, `${postmortem.reference}: ${postmortem.title}`);
}

/**
 * Where a post-mortem is, for whoever asked for it (`postmortem`, the Write
 * post-mortem button): new, or the one the incident already has.
 */
export function postmortemReply(
  postmortem: Postmortem,
  created: boolean,
): string {
  return created
    ? `Created ${postmortemLink(
        postmortem,
      )}. The facts and the timeline are filled in; write the rest there.`
    : `${
        postmortem.incidentReference
      } already has its post-mortem: ${postmortemLink(
        postmortem,
      )} (${postmortem.status.replace('_', ' ')}).`;
}

/** Posted where the incident was run when its post-mortem is created. */
export function postmortemCreatedMessage(
  postmortem: Postmortem,
  owner: string,
): { text: string } {
  return {
    text: `📝 The post-mortem of ${
      postmortem.incidentReference
    } is ready to write: ${postmortemLink(postmortem)}. Owner: ${owner}, due ${
      postmortem.dueDate
    }.`,
  };
}

/** Sent to the owner, at most once a day, while it is overdue. */
export function postmortemDueMessage(postmortem: Postmortem): {
  text: string;
} {
  return {
    text: `⏰ ${postmortemLink(postmortem)} was due ${
      postmortem.dueDate
    } and is still ${postmortem.status.replace(
      '_',
      ' ',
    )}. Finish it and send it for review, or move the due date.`,
  };
}
