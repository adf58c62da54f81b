import { actorName } from '@multivac/plugin-multivac-common';
import { escapeMrkdwn, mention } from './mrkdwn';

/** What the bot knows of the people a message names. */
export interface SlackPeople {
  /** Catalog user ref → Slack user id. */
  slackIds: Record<string, string>;
  /** Catalog ref → display name (a User's `spec.profile.displayName`). */
  names?: Record<string, string>;
}

const REF = /^[a-z][\w-]*:(?:[\w.-]+:)?(?:[\w.-]+\/)?[\w.-]+$/i;

/**
 * A person in a Slack message: a mention when they have a Slack user, else
 * their display name; a service actor by its product name
 * (`service:multivac` is "Multivac"); never a ref. Text that is no ref (a
 * name a provider gave, "Grace Hopper in PagerDuty") is shown as it is.
 */
export function personText(who: string, people: SlackPeople): string {
  const slackId = people.slackIds[who];
  if (slackId) {
    return mention(slackId);
  }
  return escapeMrkdwn(
    people.names?.[who] ?? (REF.test(who) ? actorName(who) : who),
  );
}
