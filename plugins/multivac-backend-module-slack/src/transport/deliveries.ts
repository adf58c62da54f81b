import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  SlackAck,
  SlackCommand,
  SlackCommandDelivery,
  SlackDelivery,
  SlackEvent,
  SlackEventDelivery,
  SlackInteraction,
  SlackInbox,
  SlackInteractionDelivery,
} from './types';

/*
 * One parser per kind of delivery, shared by the HTTP routes and Socket
 * Mode: both carry the same payloads, only wrapped differently.
 */

/** A delivery Multivac does not handle; acknowledged and dropped. */
export interface IgnoredDelivery {
  /** What it was, for the logs, e.g. `interaction block_suggestion`. */
  ignored: string;
}

const nonEmpty = z.string().min(1);

const commandSchema: z.ZodType<SlackCommand, z.ZodTypeDef, unknown> = z
  .object({
    command: nonEmpty,
    text: z.string(),
    user_id: nonEmpty,
    user_name: nonEmpty,
    channel_id: nonEmpty,
    channel_name: nonEmpty,
    team_id: nonEmpty,
    trigger_id: nonEmpty,
    response_url: nonEmpty,
  })
  .passthrough();

const user = z.object({ id: nonEmpty }).passthrough();
const elementValue = z.object({ type: nonEmpty }).passthrough();
const viewState = z
  .object({ values: z.record(z.record(elementValue)) })
  .passthrough();
const view = z
  .object({
    id: nonEmpty,
    hash: nonEmpty,
    callback_id: z.string(),
    private_metadata: z.string().optional(),
    state: viewState.optional(),
  })
  .passthrough();

const interactionSchemas: {
  [T in SlackInteraction['type']]: z.ZodType<
    Extract<SlackInteraction, { type: T }>,
    z.ZodTypeDef,
    unknown
  >;
} = {
  block_actions: z
    .object({
      type: z.literal('block_actions'),
      user,
      trigger_id: nonEmpty.optional(),
      actions: z
        .array(
          elementValue.extend({
            action_id: nonEmpty,
            block_id: nonEmpty,
            action_ts: nonEmpty,
          }),
        )
        .min(1),
      container: z
        .object({ type: nonEmpty, message_ts: nonEmpty.optional() })
        .passthrough()
        .optional(),
      channel: z.object({ id: nonEmpty }).passthrough().optional(),
      message: z.object({ ts: nonEmpty }).passthrough().optional(),
      view: view.optional(),
      response_url: nonEmpty.optional(),
    })
    .passthrough(),
  view_submission: z
    .object({
      type: z.literal('view_submission'),
      user,
      trigger_id: nonEmpty.optional(),
      view: view.extend({ state: viewState }),
    })
    .passthrough(),
  view_closed: z
    .object({
      type: z.literal('view_closed'),
      user,
      view,
      is_cleared: z.boolean(),
    })
    .passthrough(),
  shortcut: z
    .object({
      type: z.literal('shortcut'),
      callback_id: nonEmpty,
      user,
      trigger_id: nonEmpty,
    })
    .passthrough(),
  message_action: z
    .object({
      type: z.literal('message_action'),
      callback_id: nonEmpty,
      user,
      trigger_id: nonEmpty,
      channel: z.object({ id: nonEmpty }).passthrough(),
      message: z.object({ ts: nonEmpty }).passthrough(),
      response_url: nonEmpty,
    })
    .passthrough(),
};

const eventSchemas: {
  [T in SlackEvent['type']]: z.ZodType<
    Extract<SlackEvent, { type: T }>,
    z.ZodTypeDef,
    unknown
  >;
} = {
  message: z
    .object({
      type: z.literal('message'),
      channel: nonEmpty,
      ts: nonEmpty,
      subtype: z.string().optional(),
      user: z.string().optional(),
      bot_id: z.string().optional(),
      text: z.string().optional(),
      thread_ts: z.string().optional(),
      channel_type: z.string().optional(),
    })
    .passthrough(),
  app_mention: z
    .object({
      type: z.literal('app_mention'),
      channel: nonEmpty,
      ts: nonEmpty,
      user: z.string().optional(),
      text: z.string(),
      thread_ts: z.string().optional(),
    })
    .passthrough(),
  reaction_added: z
    .object({
      type: z.literal('reaction_added'),
      user: nonEmpty,
      reaction: nonEmpty,
      item_user: z.string().optional(),
      item: z
        .object({
          type: nonEmpty,
          channel: nonEmpty.optional(),
          ts: nonEmpty.optional(),
        })
        .passthrough(),
      event_ts: nonEmpty,
    })
    .passthrough(),
  pin_added: z
    .object({
      type: z.literal('pin_added'),
      user: nonEmpty,
      channel_id: nonEmpty,
      item: z
        .object({
          type: nonEmpty,
          channel: nonEmpty.optional(),
          message: z
            .object({ ts: nonEmpty, thread_ts: z.string().optional() })
            .passthrough()
            .optional(),
        })
        .passthrough(),
      event_ts: nonEmpty,
    })
    .passthrough(),
};

const typed = z.object({ type: nonEmpty }).passthrough();
const eventCallback = z
  .object({
    type: z.literal('event_callback'),
    event_id: nonEmpty,
    team_id: z.string().optional(),
    enterprise_id: z.string().nullish(),
    event: typed,
  })
  .passthrough();

/** A slash command: its form fields over HTTP, `body` over Socket Mode. */
export function toCommandDelivery(fields: unknown): SlackCommandDelivery {
  const command = parse(commandSchema, fields, 'Slack slash command');
  return { kind: 'command', dedupKey: boundedKey(command.trigger_id), command };
}

/** An interaction: `payload` over HTTP, `body` over Socket Mode. */
export function toInteractionDelivery(
  payload: unknown,
): SlackInteractionDelivery | IgnoredDelivery {
  const { type } = parse(typed, payload, 'Slack interaction payload');
  if (!isKeyOf(interactionSchemas, type)) {
    return { ignored: `interaction ${type}` };
  }
  const interaction = parse<SlackInteraction>(
    interactionSchemas[type],
    payload,
    `Slack ${type} payload`,
  );
  return {
    kind: 'interaction',
    dedupKey: boundedKey(interactionDedupKey(interaction)),
    payload: interaction,
  };
}

/**
 * An Events API envelope: the HTTP body, or `body` over Socket Mode.
 * `url_verification` is not an event: the HTTP route answers it.
 */
export function toEventDelivery(
  envelope: unknown,
  retry: { retryNum?: number; retryReason?: string } = {},
): SlackEventDelivery | IgnoredDelivery {
  const { type } = parse(typed, envelope, 'Slack event envelope');
  if (type !== 'event_callback') {
    // e.g. app_rate_limited: Slack tells, nothing to do.
    return { ignored: `event envelope ${type}` };
  }
  const callback = parse(eventCallback, envelope, 'Slack event_callback');
  const eventType = callback.event.type;
  if (!isKeyOf(eventSchemas, eventType)) {
    return { ignored: `event ${eventType}` };
  }
  const event = parse<SlackEvent>(
    eventSchemas[eventType],
    callback.event,
    `Slack ${eventType} event`,
  );
  return {
    kind: 'event',
    dedupKey: boundedKey(callback.event_id),
    event,
    ...(callback.team_id && { teamId: callback.team_id }),
    ...(callback.enterprise_id && { enterpriseId: callback.enterprise_id }),
    ...(retry.retryNum !== undefined && { retryNum: retry.retryNum }),
    ...(retry.retryReason !== undefined && { retryReason: retry.retryReason }),
  };
}

/**
 * Hands a delivery to the inbox and returns its ack; an ignored delivery is
 * only logged, and acknowledged without body.
 */
export async function receiveDelivery(
  inbox: SlackInbox,
  logger: LoggerService,
  delivery: SlackDelivery | IgnoredDelivery,
): Promise<SlackAck> {
  if ('ignored' in delivery) {
    logger.info(`Ignored Slack ${delivery.ignored}`);
    return undefined;
  }
  const ack = await inbox.receive(delivery);
  logger.debug(`Slack ${delivery.kind} ${delivery.dedupKey} received`);
  return ack;
}

/** Longest dedup key kept as Slack sent it: the job key column holds 255. */
const MAX_DEDUP_KEY = 128;

/**
 * A dedup key that fits the job's idempotency key: Slack's own when short
 * and free of NUL bytes, else a hash of it (the same on every retry), so a
 * 300-character `event_id` is deduplicated instead of failing the insert.
 */
function boundedKey(key: string): string {
  if (key.length <= MAX_DEDUP_KEY && !key.includes('\0')) {
    return key;
  }
  return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

function interactionDedupKey(interaction: SlackInteraction): string {
  if ('trigger_id' in interaction && interaction.trigger_id) {
    return interaction.trigger_id;
  }
  if (
    interaction.type === 'block_actions' &&
    interaction.container?.message_ts
  ) {
    return `${interaction.container.message_ts}-${interaction.actions[0].action_ts}`;
  }
  return `sha256:${createHash('sha256')
    .update(JSON.stringify(interaction))
    .digest('hex')}`;
}

function isKeyOf<T extends object>(
  object: T,
  key: string,
): key is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function parse<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .map(issue => `${issue.path.join('.') || 'body'}: ${issue.message}`)
      .join(', ');
    throw new InputError(`${what} is malformed (${issues})`);
  }
  return result.data;
}
