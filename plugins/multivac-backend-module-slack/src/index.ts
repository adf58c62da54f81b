/**
 * The Multivac Slack bot: slash commands, interactions and events from
 * Slack, received over signed HTTP requests or Socket Mode and handed to an
 * inbox that records them for the incident workflow.
 *
 * @packageDocumentation
 */
export { multivacModuleSlack as default } from './module';
export { readSlackConfig } from './config';
export type { SlackConfig } from './config';
export { verifySlackRequest } from './verification/verifySlackRequest';
export { createSlackRouter, SLACK_PATH } from './transport/createSlackRouter';
export {
  createSocketModeClient,
  listenToSocketMode,
} from './transport/socketMode';
export type {
  SocketModeEnvelope,
  SocketModeEvents,
} from './transport/socketMode';
export type {
  SlackAck,
  SlackAppMentionEvent,
  SlackBlockAction,
  SlackBlockActions,
  SlackCommand,
  SlackCommandAck,
  SlackCommandDelivery,
  SlackDelivery,
  SlackElementValue,
  SlackEvent,
  SlackEventDelivery,
  SlackInbox,
  SlackInteraction,
  SlackInteractionDelivery,
  SlackMessageAction,
  SlackMessageEvent,
  SlackOption,
  SlackShortcut,
  SlackUserRef,
  SlackView,
  SlackViewClosed,
  SlackViewStateValues,
  SlackViewSubmission,
  SlackViewSubmissionAck,
} from './transport/types';
