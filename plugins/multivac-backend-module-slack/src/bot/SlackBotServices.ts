import { WebClient } from '@slack/web-api';
import { SlackStore } from '../database/SlackStore';
import { SlackUsers } from '../users/SlackUsers';

/** What most parts of the bot work with. */
export interface SlackBotServices {
  client: WebClient;
  /** What the bot posted where, and the incident channels. */
  store: SlackStore;
  /** Slack users to catalog users, and back. */
  users: SlackUsers;
}
