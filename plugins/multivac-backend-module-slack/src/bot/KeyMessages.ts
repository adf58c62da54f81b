import { LoggerService } from '@backstage/backend-plugin-api';
import { incidentUpdatePermission } from '@multivac/plugin-multivac-common';
import {
  MultivacWorkflow,
  WorkflowClient,
} from '@multivac/plugin-multivac-node';
import { SlackConfig } from '../config';
import { keyMessageNote } from '../messages';
import {
  SlackPinAddedEvent,
  SlackReactionAddedEvent,
} from '../transport/types';
import { CatalogUser } from '../users/SlackUsers';
import { SlackAnswers } from './SlackAnswers';
import { SlackActors } from './SlackActors';
import { slackErrorCode } from './slackErrors';
import { eventRoute, SlackRoute, SlackRouteContext } from './SlackRoutes';
import { SlackBotServices } from './SlackBotServices';

const KEY_MESSAGE = 'slack.key-message';
/** Who acts in the timeline for a Slack user the catalog does not know. */
const SLACK_ACTOR = 'service:slack';

/** A message someone marked, as the reaction or pin names it. */
interface MarkedMessage {
  channelId: string;
  ts: string;
  /** Set when Slack said the message is in a thread. */
  threadTs?: string;
}

interface KeyMessageJob extends MarkedMessage {
  incidentId: string;
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
export class KeyMessages implements WorkflowClient {
  readonly id = 'slack-key-messages';
  readonly routes: SlackRoute[];

  constructor(
    private readonly deps: SlackBotServices & {
      actors: SlackActors;
      answers: SlackAnswers;
      config: SlackConfig;
      logger: LoggerService;
    },
  ) {
    this.routes = [
      eventRoute('reaction_added', (event, context) =>
        this.mark(this.reactedTo(event), context),
      ),
      eventRoute('pin_added', (event, context) =>
        this.mark(pinned(event), context),
      ),
    ];
  }

  connect(workflow: MultivacWorkflow): void {
    workflow.jobs.registerHandler(KEY_MESSAGE, job =>
      this.record(job.payload as unknown as KeyMessageJob, workflow),
    );
  }

  /** Queues the marked message for the timeline, when it is a key message. */
  private async mark(
    marked: MarkedMessage | undefined,
    { workflow, audience }: SlackRouteContext,
  ) {
    if (!marked) {
      return;
    }
    const { store, actors, answers } = this.deps;
    const channel = await store.incidentForChannel(marked.channelId);
    // The bot pins its own summary: that is not a key message.
    if (!channel || channel.archived || channel.summaryTs === marked.ts) {
      return;
    }
    // Someone the catalog does not know is named in the note instead.
    const found = await actors.lookup(audience);
    if (!found.actor && (found.failed || found.untrusted)) {
      await answers.tell(audience, found.refusal);
      return;
    }
    const { actor } = found;
    if (
      actor &&
      !(await workflow.authorize(
        actor.userRef,
        incidentUpdatePermission,
        channel.incidentId,
      ))
    ) {
      await answers.tell(
        audience,
        `Sorry, you are not allowed to ${incidentUpdatePermission.name}, so that message is not in the timeline.`,
      );
      return;
    }
    const job: KeyMessageJob = {
      incidentId: channel.incidentId,
      ...marked,
      markedBy: audience.slackUserId,
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

  /** The message reacted to, when the reaction marks key messages. */
  private reactedTo(event: SlackReactionAddedEvent): MarkedMessage | undefined {
    const { type, channel, ts } = event.item;
    return type === 'message' &&
      event.reaction === this.deps.config.keyMessageReaction &&
      channel &&
      ts
      ? { channelId: channel, ts }
      : undefined;
  }

  private async record(job: KeyMessageJob, workflow: MultivacWorkflow) {
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
    await workflow.incidents.addNote(
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

/** The pinned message. */
function pinned(event: SlackPinAddedEvent): MarkedMessage | undefined {
  const { type, message } = event.item;
  return type === 'message' && message
    ? {
        channelId: event.item.channel ?? event.channel_id,
        ts: message.ts,
        ...(message.thread_ts && { threadTs: message.thread_ts }),
      }
    : undefined;
}
