import { BasicPermission } from '@backstage/plugin-permission-common';
import { Incident } from '@multivac/plugin-multivac-common';
import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import { CatalogUser } from '../users/SlackUsers';

/** Where and by whom a command was typed. */
export interface CommandContext {
  /** What follows the command name, trimmed. */
  args: string;
  /** The catalog user who typed it, already mapped from chat. */
  actor: CatalogUser;
  /** The incident of the channel the command was typed in, if any. */
  incident?: Incident;
  workflow: MultivacWorkflow;
  /** Answers only the person who typed the command (mrkdwn). */
  reply(text: string): Promise<void>;
  /** `<@U123>` or a plain handle → the catalog user. */
  findUser(mention: string): Promise<CatalogUser | undefined>;
  /** Opens the triage report form where the chat platform has one. */
  openReportForm(): Promise<void>;
}

/**
 * A chat command, e.g. `sev 2`. Commands are chat-platform neutral: the bot
 * maps the user, checks `permission` as that user, finds the incident of the
 * channel, and turns thrown errors into a reply.
 */
export interface ChatCommand {
  name: string;
  /** What may follow the name, e.g. `<1-4>` for `sev`; empty for nothing. */
  usage: string;
  description: string;
  permission: BasicPermission;
  /** Only inside an incident channel. */
  needsIncident?: boolean;
  run(context: CommandContext): Promise<void>;
}
