/*
 * What Slack sends the bot, over HTTP or Socket Mode, with Slack's own field
 * names. Each type lists the fields that are validated; the other fields
 * Slack sent are kept as they are.
 */

/** A slash command, e.g. `/multivac declare payments down`. */
export interface SlackCommand {
  /** e.g. `/multivac` */
  command: string;
  /** What follows the command; empty when nothing does. */
  text: string;
  user_id: string;
  user_name: string;
  channel_id: string;
  channel_name: string;
  team_id: string;
  /** Set in an Enterprise Grid organisation. */
  enterprise_id?: string;
  /** Opens a modal (`views.open`) once, within 3 seconds of the command. */
  trigger_id: string;
  /** Takes up to 5 replies within 30 minutes of the command. */
  response_url: string;
}

/** Who interacted. */
export interface SlackUserRef {
  id: string;
  username?: string;
  name?: string;
  /** Their home workspace. */
  team_id?: string;
}

/** Where an interaction happened: every interaction payload has these. */
export interface SlackInteractionSource {
  team?: { id: string; domain?: string } | null;
  /** Set in an Enterprise Grid organisation. */
  enterprise?: { id: string; name?: string } | null;
}

/** A selected option of a select menu, checkboxes or radio buttons. */
export interface SlackOption {
  value: string;
}

/** The value of an input element; which field is set depends on `type`. */
export interface SlackElementValue {
  /** The element type, e.g. `plain_text_input`, `static_select`. */
  type: string;
  value?: string | null;
  selected_option?: SlackOption | null;
  selected_options?: SlackOption[];
  selected_user?: string | null;
  selected_users?: string[];
  selected_conversation?: string | null;
  selected_channel?: string | null;
  selected_date?: string | null;
}

/** Input values of a view: by `block_id`, then by `action_id`. */
export type SlackViewStateValues = Record<
  string,
  Record<string, SlackElementValue>
>;

/** A modal as Slack shows it. */
export interface SlackView {
  id: string;
  /** Changes with every update; `views.update` with it fails on a race. */
  hash: string;
  /** Set by the bot when it opened the view; empty when it did not. */
  callback_id: string;
  private_metadata?: string;
  state?: { values: SlackViewStateValues };
}

/** One clicked button or changed element of a `block_actions` payload. */
export interface SlackBlockAction extends SlackElementValue {
  action_id: string;
  block_id: string;
  action_ts: string;
}

/** Someone clicked a button or changed an element in a message or modal. */
export interface SlackBlockActions extends SlackInteractionSource {
  type: 'block_actions';
  user: SlackUserRef;
  trigger_id?: string;
  actions: SlackBlockAction[];
  /** Where the element is: a message (`message_ts`) or a view (`view_id`). */
  container?: {
    type: string;
    message_ts?: string;
    channel_id?: string;
    view_id?: string;
  };
  channel?: { id: string; name?: string };
  message?: { ts: string; thread_ts?: string; text?: string };
  /** The modal, for elements in a modal. */
  view?: SlackView;
  response_url?: string;
}

/** Someone submitted a modal. */
export interface SlackViewSubmission extends SlackInteractionSource {
  type: 'view_submission';
  user: SlackUserRef;
  trigger_id?: string;
  view: SlackView & { state: { values: SlackViewStateValues } };
}

/** Someone closed a modal opened with `notify_on_close`. */
export interface SlackViewClosed {
  type: 'view_closed';
  user: SlackUserRef;
  view: SlackView;
  /** True when the whole stack of modals was closed. */
  is_cleared: boolean;
}

/** Someone used a global shortcut of the app. */
export interface SlackShortcut {
  type: 'shortcut';
  callback_id: string;
  user: SlackUserRef;
  trigger_id: string;
}

/** Someone used a message shortcut of the app on a message. */
export interface SlackMessageAction {
  type: 'message_action';
  callback_id: string;
  user: SlackUserRef;
  trigger_id: string;
  channel: { id: string; name?: string };
  message: { ts: string; thread_ts?: string; text?: string; user?: string };
  response_url: string;
}

/** The interactions the bot handles; Slack sends them as `payload`. */
export type SlackInteraction =
  | SlackBlockActions
  | SlackViewSubmission
  | SlackViewClosed
  | SlackShortcut
  | SlackMessageAction;

/**
 * A message in a channel the bot is in (`message.channels`), including
 * subtypes such as `message_changed`, `channel_join` and the bot's own
 * messages (`bot_id`): check `subtype` and `bot_id` before acting on one.
 */
export interface SlackMessageEvent {
  type: 'message';
  channel: string;
  ts: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  /** Set on replies in a thread: the `ts` of the thread's first message. */
  thread_ts?: string;
  channel_type?: string;
}

/** A message that mentions the bot. */
export interface SlackAppMentionEvent {
  type: 'app_mention';
  channel: string;
  ts: string;
  user?: string;
  text: string;
  thread_ts?: string;
}

/** Someone added an emoji reaction to a message or file (`reactions:read`). */
export interface SlackReactionAddedEvent {
  type: 'reaction_added';
  /** Who reacted. */
  user: string;
  /** The emoji's name, without colons, e.g. `pushpin`. */
  reaction: string;
  /** Who wrote the item reacted to, when a user did. */
  item_user?: string;
  /** For a message: its channel and `ts`; files have no channel. */
  item: { type: string; channel?: string; ts?: string };
  event_ts: string;
}

/** Someone pinned a message or file in a channel (`pins:read`). */
export interface SlackPinAddedEvent {
  type: 'pin_added';
  /** Who pinned it. */
  user: string;
  channel_id: string;
  /** For a message: the message, with its `ts`. */
  item: {
    type: string;
    channel?: string;
    message?: { ts: string; thread_ts?: string };
  };
  event_ts: string;
}

/** The events the bot subscribes to. */
export type SlackEvent =
  | SlackMessageEvent
  | SlackAppMentionEvent
  | SlackReactionAddedEvent
  | SlackPinAddedEvent;

export interface SlackCommandDelivery {
  kind: 'command';
  /** The command's `trigger_id`: commands carry no id of their own. */
  dedupKey: string;
  command: SlackCommand;
}

export interface SlackInteractionDelivery {
  kind: 'interaction';
  /**
   * `trigger_id`; else `<container.message_ts>-<action_ts>`; else
   * `sha256:<hash of the payload>`, so that only a redelivery of the very
   * same payload is a duplicate.
   */
  dedupKey: string;
  payload: SlackInteraction;
}

export interface SlackEventDelivery {
  kind: 'event';
  /** The `event_id`, the same on every retry of the event. */
  dedupKey: string;
  event: SlackEvent;
  /** The envelope's `team_id` and `enterprise_id`: where it happened. */
  teamId?: string;
  enterpriseId?: string;
  /** 1 on Slack's first retry, ... (`X-Slack-Retry-Num`); unset at first. */
  retryNum?: number;
  /** Why Slack retries, e.g. `http_timeout` (`X-Slack-Retry-Reason`). */
  retryReason?: string;
}

/**
 * Something Slack sent the bot. Duplicates share `kind` and `dedupKey`:
 * Slack retries events it got no timely 2xx for, and Socket Mode redelivers
 * what was not acknowledged.
 */
export type SlackDelivery =
  | SlackCommandDelivery
  | SlackInteractionDelivery
  | SlackEventDelivery;

/** The immediate answer to a slash command. */
export interface SlackCommandAck {
  /** Default `ephemeral`: only the user who typed the command sees it. */
  response_type?: 'ephemeral' | 'in_channel';
  text: string;
  blocks?: unknown[];
}

/** The immediate answer to a `view_submission`. */
export type SlackViewSubmissionAck =
  /** Keeps the modal open with an error under each named input block. */
  | { response_action: 'errors'; errors: Record<string, string> }
  /** Closes all the modals of the stack. */
  | { response_action: 'clear' }
  /** Replaces the modal, or pushes a new one on the stack. */
  | { response_action: 'update' | 'push'; view: Record<string, unknown> };

/**
 * The body of the acknowledgement; undefined acknowledges with an empty 200.
 * Slack reads it for commands and view submissions only.
 */
export type SlackAck = SlackCommandAck | SlackViewSubmissionAck | undefined;

/**
 * Where deliveries go, over HTTP or Socket Mode.
 *
 * Slack waits 3 seconds for the acknowledgement: then it shows the user an
 * error (commands, interactions) or retries (events, up to 3 times). So
 * `receive` must only record the delivery durably, ignoring one whose `kind`
 * and `dedupKey` it has already recorded, and return; the work (Web API
 * calls) happens after, from the recorded delivery. Work that opens a modal
 * must still start within 3 seconds of the delivery: its `trigger_id`
 * expires then. When `receive` throws, the delivery is not acknowledged:
 * the HTTP answer is an error, and Slack retries events.
 */
export interface SlackInbox {
  receive(delivery: SlackDelivery): Promise<SlackAck>;
}
