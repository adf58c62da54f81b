import { PageRecord } from '@multivac/plugin-multivac-common';
import { ACTIONS } from './actions';
import { button, section, SlackMessage } from './blocks';
import { escapeMrkdwn } from './mrkdwn';
import { personText, SlackPeople } from './people';

/**
 * The direct message to someone paged through a built-in schedule, with an
 * Acknowledge button while nobody has; updated as the page moves on.
 */
export function pageMessage(
  page: PageRecord,
  people: SlackPeople = { slackIds: {} },
): SlackMessage {
  const triggered = page.status === 'triggered';
  const text = triggered
    ? `:rotating_light: You are paged (${page.urgency} urgency): ${escapeMrkdwn(
        page.summary,
      )}${
        typeof page.details.link === 'string' ? `\n${page.details.link}` : ''
      }`
    : `Page "${escapeMrkdwn(page.summary)}" is ${page.status}${
        page.acknowledgedBy
          ? ` by ${personText(page.acknowledgedBy, people)}`
          : ''
      }.`;
  return {
    text,
    blocks: [
      section(text),
      ...(triggered
        ? [
            {
              type: 'actions' as const,
              elements: [
                button('Acknowledge', ACTIONS.acknowledgeReport, page.id, {
                  style: 'primary',
                }),
              ],
            },
          ]
        : []),
    ],
  };
}
