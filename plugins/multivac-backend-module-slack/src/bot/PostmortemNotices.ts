import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PostmortemChange,
  PostmortemSubscriber,
} from '@multivac/plugin-multivac-node';
import { SlackConfig } from '../config';
import {
  escapeMrkdwn,
  mention,
  postmortemCreatedMessage,
  postmortemDueMessage,
} from '../messages';
import { sendDirectMessage } from './directMessage';
import { SlackBotServices } from './SlackBotServices';
import { SlackChannels, triageChannelId } from './SlackChannels';

/**
 * Tells Slack about post-mortems: a new one is announced where its incident
 * was run (the triage channel once the incident channel is archived), and
 * an overdue one reminds its owner by direct message. Each message is sent
 * once, also when a delivery is retried.
 */
export class PostmortemNotices implements PostmortemSubscriber {
  readonly id = 'slack';

  constructor(
    private readonly deps: SlackBotServices & {
      channels: SlackChannels;
      config: SlackConfig;
      logger: LoggerService;
    },
  ) {}

  async onPostmortemChange({
    postmortem,
    change,
    deliveryId,
  }: PostmortemChange): Promise<void> {
    const { client, store, users, config } = this.deps;
    const key = `postmortem:${deliveryId}`;
    if (await store.getMessage(key)) {
      return;
    }
    const ownerSlackId = await users.slackId(postmortem.ownerRef);
    if (change === 'created') {
      const channel = await store.channelForIncident(postmortem.incidentId);
      if ((!channel || channel.archived) && !config.triageChannel) {
        return;
      }
      // An unknown triage channel name throws: the delivery is retried.
      const target =
        channel && !channel.archived
          ? channel.channelId
          : (await triageChannelId(this.deps))!;
      const owner = ownerSlackId
        ? mention(ownerSlackId)
        : escapeMrkdwn(postmortem.ownerRef);
      const posted = await client.chat.postMessage({
        channel: target,
        ...postmortemCreatedMessage(postmortem, owner),
      });
      await store.saveMessage(key, { channelId: target, ts: posted.ts! });
    } else if (change === 'due') {
      if (!ownerSlackId) {
        this.deps.logger.info(
          `No Slack user for ${postmortem.ownerRef}, owner of overdue ${postmortem.reference}`,
        );
        return;
      }
      await store.saveMessage(
        key,
        await sendDirectMessage(
          client,
          ownerSlackId,
          postmortemDueMessage(postmortem),
        ),
      );
    }
  }
}
