import { LoggerService } from '@backstage/backend-plugin-api';
import { WebClient } from '@slack/web-api';
import { SlackWorkspace } from '../users/SlackUsers';
import { sendDirectMessage } from './directMessage';
import { ResponseUrls } from './ResponseUrls';
import { describeSlackError } from './slackErrors';

/**
 * Where to answer one person: through the `response_url` of their command
 * or click, else ephemeral in the channel, else their DM.
 */
export interface Audience {
  slackUserId: string;
  channelId?: string;
  /** Where the request came from (its `team_id`, `enterprise_id`), if known. */
  workspace?: SlackWorkspace;
  /** The `response_url` of the slash command or click, if it had one. */
  responseUrl?: string;
}

/** Answers the person who typed a command, clicked or reacted. */
export class SlackAnswers {
  constructor(
    private readonly deps: {
      client: WebClient;
      responseUrls: ResponseUrls;
      logger: LoggerService;
    },
  ) {}

  /**
   * Answers one person; a failure to answer is logged, never thrown. A
   * command or click is answered through its `response_url`, as Slack
   * recommends: that works in any conversation, also a direct message with
   * someone else or a channel the bot is not in. When the URL is not
   * Slack's or Slack refuses it (expired after 30 minutes, used 5 times),
   * the answer is an ephemeral message in the channel, else a direct
   * message.
   */
  async tell(audience: Audience, text: string): Promise<void> {
    const { client, responseUrls, logger } = this.deps;
    if (
      audience.responseUrl &&
      (await responseUrls.post(audience.responseUrl, {
        response_type: 'ephemeral',
        text,
        // A click's answer is a new message: the clicked one stays.
        replace_original: false,
      }))
    ) {
      return;
    }
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
