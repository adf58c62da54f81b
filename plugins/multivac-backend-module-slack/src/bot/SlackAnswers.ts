import { LoggerService } from '@backstage/backend-plugin-api';
import { WebClient } from '@slack/web-api';
import { SlackWorkspace } from '../users/SlackUsers';
import { sendDirectMessage } from './directMessage';
import { describeSlackError } from './slackErrors';

/** Where to answer one person: ephemeral in a channel, else their DM. */
export interface Audience {
  slackUserId: string;
  channelId?: string;
  /** Where the request came from (its `team_id`, `enterprise_id`), if known. */
  workspace?: SlackWorkspace;
}

/** Answers the person who typed a command, clicked or reacted. */
export class SlackAnswers {
  constructor(
    private readonly deps: { client: WebClient; logger: LoggerService },
  ) {}

  /** Answers one person; a failure to answer is logged, never thrown. */
  async tell(audience: Audience, text: string): Promise<void> {
    const { client, logger } = this.deps;
    try {
      if (audience.channelId) {
        await client.chat.postEphemeral({
          channel: audience.channelId,
          user: audience.slackUserId,
          text,
        });
      } else {
        await sendDirectMessage(client, audience.slackUserId, { text });
      }
    } catch (error) {
      logger.warn(
        `Could not answer Slack user ${
          audience.slackUserId
        }: ${describeSlackError(error)}`,
      );
    }
  }
}
