import { Permission } from '@backstage/plugin-permission-common';
import { Incident } from '@multivac/plugin-multivac-common';
import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import { HelpCommand } from '../messages';
import { CatalogUser } from '../users/SlackUsers';

/**
 * What a chat platform other than Slack says differently (e.g. the terminal
 * shell, which has no slash command and no incident channels).
 */
export interface CommandWording {
  /** The answer to `help`. */
  help(commands: HelpCommand[]): string;
  /** The answer to a `needsIncident` command typed outside an incident. */
  needsIncident(command: string): string;
}

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
  /** `<@U123>` in Slack; `@ada`, `ada`, a User ref or an email in the shell. */
  findUser(mention: string): Promise<CatalogUser | undefined>;
  /** Opens the triage report form where the chat platform has one. */
  openReportForm(): Promise<void>;
  /**
   * Where the platform has no incident channels (the terminal shell): makes
   * `incident` the one the person's next commands apply to.
   */
  enterIncident?(incident: Incident): Promise<void>;
  /** Slack's wording when absent. */
  wording?: CommandWording;
  /**
   * How the platform writes a person (mrkdwn): in Slack a mention where they
   * have an account, else their display name; in the shell their display
   * name. Without it, their short name.
   */
  person?(userRef: string): Promise<string>;
  /**
   * The reader's IANA zone where the platform knows it (the terminal
   * shell); in Slack each reader sees dates in their own zone.
   */
  timeZone?: string;
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
  /** Checked on the channel's incident when it is a permission on incidents. */
  permission: Permission;
  /** Only inside an incident channel. */
  needsIncident?: boolean;
  run(context: CommandContext): Promise<void>;
}
