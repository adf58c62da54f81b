export type { SlackMessage } from './blocks';
export * from './mrkdwn';
export * from './actions';
export * from './triageMessage';
export * from './incidentSummary';
export * from './channelName';
export * from './incidentMessages';
export * from './reportModal';
export * from './helpText';
