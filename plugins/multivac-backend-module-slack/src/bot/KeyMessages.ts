import { LoggerService } from '@backstage/backend-plugin-api';
import { incidentUpdatePermission } from '@multivac/plugin-multivac-common';
import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import { WebClient } from '@slack/web-api';
import { SlackConfig } from '../config';
import { SlackStore } from '../database/SlackStore';
import { keyMessageNote } from '../messages';
import {
  SlackPinAddedEvent,
  SlackReactionAddedEvent,
} from '../transport/types';
import { CatalogUser, SlackUsers } from '../users/SlackUsers';
import { slackErrorCode } from './slackErrors';

const KEY_MESSAGE = 'slack.key-message';
/** Who acts in the timeline for a Slack user the catalog does not know. */
const SLACK_ACTOR = 'service:slack';

interface KeyMessageJob {
  incidentId: string;
  channelId: string;
  ts: string;
  /** Set when Slack said the message is in a thread. */
  threadTs?: string;
  /** The Slack user who marked it. */
  markedBy: string;
  actor: CatalogUser | null;
}

/** A message fetched back from Slack (`conversations.history`). */
interface FetchedMessage {
  ts?: string;
  text?: string;
  user?: string;
  username?: string;
}

/**
 * Key messages of incident channels go to the incident's timeline: a
 * message someone reacts to with `keyMessageReaction` (`:pushpin:`), or pins,
 * is recorded as a note once, however many marks it gets.
 */
export class KeyMessages {
  constructor(
    private readonly deps: {
      client: WebClient;
      store: SlackStore;
      users: SlackUsers;
      config: SlackConfig;
      logger: LoggerService;
      workflow: () => MultivacWorkflow;
      /** Answers the person who marked a message. */
      tell(
        audience: { slackUserId: string; channelId: string },
        text: string,
      ): Promise<void>;
    },
  ) {}

  registerJobs(workflow: MultivacWorkflow) {
    workflow.jobs.registerHandler(KEY_MESSAGE, job =>
      this.record(job.payload as unknown as KeyMessageJob),
    );
  }

  /** Queues the marked message for the timeline, when it is a key message. */
  async mark(event: SlackReactionAddedEvent | SlackPinAddedEvent) {
    const marked = this.markedMessage(event);
    if (!marked) {
      return;
    }
    const { store, users } = this.deps;
    const channel = await store.incidentForChannel(marked.channelId);
    // The bot pins its own summary: that is not a key message.
    if (!channel || channel.archived || channel.summaryTs === marked.ts) {
      return;
    }
    const workflow = this.deps.workflow();
    const actor = await users.catalogUser(event.user);
    if (
      actor &&
      !(await workflow.authorize(actor.userRef, incidentUpdatePermission))
    ) {
      await this.deps.tell(
        { slackUserId: event.user, channelId: marked.channelId },
        `Sorry, you are not allowed to ${incidentUpdatePermission.name}, so that message is not in the timeline.`,
      );
      return;
    }
    const job: KeyMessageJob = {
      incidentId: channel.incidentId,
      ...marked,
      markedBy: event.user,
      actor: actor ?? null,
    };
    await workflow.jobs.enqueue({
      type: KEY_MESSAGE,
      // A second reaction, or a pin after a reaction, is the same key message.
      idempotencyKey: `${KEY_MESSAGE}:${marked.channelId}:${marked.ts}`,
      incidentId: channel.incidentId,
      payload: { ...job },
    });
  }

  private markedMessage(event: SlackReactionAddedEvent | SlackPinAddedEvent) {
    if (event.item.type !== 'message') {
      return undefined;
    }
    if (event.type === 'reaction_added') {
      const { channel, ts } = event.item;
      return event.reaction === this.deps.config.keyMessageReaction &&
        channel &&
        ts
        ? { channelId: channel, ts }
        : undefined;
    }
    const message = event.item.message;
    return message
      ? {
          channelId: event.item.channel ?? event.channel_id,
          ts: message.ts,
          ...(message.thread_ts && { threadTs: message.thread_ts }),
        }
      : undefined;
  }

  private async record(job: KeyMessageJob) {
    const { client, logger } = this.deps;
    const message = await this.fetch(job);
    if (!message) {
      logger.info(
        `Key message ${job.channelId}/${job.ts} is gone; nothing to record`,
      );
      return;
    }
    const { permalink } = await client.chat.getPermalink({
      channel: job.channelId,
      message_ts: job.ts,
    });
    const text = keyMessageNote({
      author: await this.authorOf(message),
      text: message.text ?? '',
      permalink: permalink!,
      markedBy: job.actor ? undefined : await this.slackName(job.markedBy),
    });
    await this.deps
      .workflow()
      .incidents.addNote(
        job.incidentId,
        text,
        job.actor?.userRef ?? SLACK_ACTOR,
      );
  }

  /**
   * The message from the channel's history; a reply in a thread is not in
   * it, so then from its thread.
   */
  private async fetch({
    channelId,
    ts,
    threadTs,
  }: KeyMessageJob): Promise<FetchedMessage | undefined> {
    const { client } = this.deps;
    try {
      if (!threadTs || threadTs === ts) {
        const { messages } = await client.conversations.history({
          channel: channelId,
          latest: ts,
          inclusive: true,
          limit: 1,
        });
        const found = messages?.find(m => m.ts === ts);
        if (found) {
          return found;
        }
      }
      const { messages } = await client.conversations.replies({
        channel: channelId,
        ts: threadTs ?? ts,
      });
      return messages?.find(m => m.ts === ts);
    } catch (error) {
      if (slackErrorCode(error) === 'thread_not_found') {
        return undefined;
      }
      throw error;
    }
  }

  private async authorOf(message: FetchedMessage): Promise<string> {
    if (!message.user) {
      return message.username ?? 'a bot';
    }
    const known = await this.deps.users.catalogUser(message.user);
    return known?.name ?? (await this.slackName(message.user));
  }

  private async slackName(slackUserId: string): Promise<string> {
    const { user } = await this.deps.client.users.info({ user: slackUserId });
    return user?.real_name || user?.name || slackUserId;
  }
}
