import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, isError } from '@backstage/errors';
import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  closestMatch,
  INCIDENT_STATES,
  incidentReadPermission,
  RESOURCE_TYPE_MULTIVAC_INCIDENT,
} from '@multivac/plugin-multivac-common';
import { helpText } from '../messages';
import { ChatCommand, CommandContext } from './types';
import { chatRefusal } from './unknownEntity';

/**
 * Usages whose arguments are a closed set: a message whose first word is a
 * typo of such a command and whose rest fits (`sevv 1`, `stauts`,
 * `resolvd`) is recognisably a command, not conversation. Commands taking
 * free text (`note <text>`) are left out: "nope, none yet" is talk.
 */
const CLOSED_USAGES: Record<string, RegExp> = {
  '': /^$/,
  '<1-4>': /^(sev)?[1-4]$/i,
  '[new state]': new RegExp(`^(${INCIDENT_STATES.join('|')})?$`, 'i'),
};

/** Endings that make a command's name an ordinary word ("resolved", "notes"). */
const INFLECTIONS = ['s', 'd', 'ed', 'es', 'ing', 'r', 'er'];

/** How a command went, for the ✅ / ❓ reaction on a typed message. */
export type CommandOutcome = 'done' | 'failed' | 'unknown';

/** Errors whose message is meant for the person who typed the command. */
const USER_ERRORS = [
  'InputError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
];

/**
 * The commands the bot understands, open to more (`add`), with `help` built
 * from whatever is registered.
 */
export class CommandRegistry {
  private readonly commands = new Map<string, ChatCommand>();

  constructor(
    commands: ChatCommand[],
    private readonly slashCommand: string,
    private readonly logger: LoggerService,
  ) {
    this.add({
      name: 'help',
      usage: '',
      description: 'what I can do',
      permission: incidentReadPermission,
      run: context =>
        context.reply(context.wording?.help(this.list()) ?? this.help()),
    });
    commands.forEach(command => this.add(command));
  }

  add(command: ChatCommand): void {
    if (this.commands.has(command.name)) {
      throw new ConflictError(
        `A chat command '${command.name}' is already registered`,
      );
    }
    this.commands.set(command.name, command);
  }

  has(name: string): boolean {
    return this.commands.has(name.toLowerCase());
  }

  /** The registered commands, `help` first. */
  list(): ChatCommand[] {
    return [...this.commands.values()];
  }

  /** The command `name` (a typo, say `sevv`) probably meant, if any. */
  suggest(name: string): string | undefined {
    return closestMatch(name, this.commands.keys());
  }

  /**
   * The command a plain message was meant to be, when its first word is a
   * typo of a command whose arguments are a closed set and the rest fits
   * them (`sevv 1` → `sev`); undefined for anything that may be talk.
   */
  typoOf(text: string): string | undefined {
    const trimmed = text.trim();
    if (trimmed.includes('\n')) {
      return undefined;
    }
    const [first = ''] = trimmed.split(/\s+/);
    const word = first.toLowerCase();
    if (word.length < 3 || this.has(word)) {
      return undefined;
    }
    const meant = this.suggest(word);
    if (
      !meant ||
      meant === 'help' ||
      meant.startsWith(word) ||
      INFLECTIONS.some(ending => word === `${meant}${ending}`)
    ) {
      return undefined;
    }
    const shape = CLOSED_USAGES[this.commands.get(meant)!.usage];
    const args = trimmed.slice(first.length).trim();
    return shape?.test(args) ? meant : undefined;
  }

  help(): string {
    return helpText(this.list(), this.slashCommand);
  }

  /** Runs `text` (`sev 2`) for `context.actor`, answering them in `reply`. */
  async run(
    text: string,
    context: Omit<CommandContext, 'args'>,
  ): Promise<CommandOutcome> {
    const [name = ''] = text.trim().split(/\s+/);
    const command = this.commands.get(name.toLowerCase());
    if (!command) {
      return 'unknown';
    }
    if (command.needsIncident && !context.incident) {
      await context.reply(
        context.wording?.needsIncident(command.name) ??
          `\`${command.name}\` works inside an incident channel. Start one with \`${this.slashCommand} start &lt;service&gt; [title]\`.`,
      );
      return 'failed';
    }
    const onIncident = isResourcePermission(
      command.permission,
      RESOURCE_TYPE_MULTIVAC_INCIDENT,
    )
      ? context.incident?.reference
      : undefined;
    if (
      !(await context.workflow.authorize(
        context.actor.userRef,
        command.permission,
        onIncident,
      ))
    ) {
      await context.reply(
        `Sorry, you are not allowed to ${command.permission.name} (${command.name}).`,
      );
      return 'failed';
    }
    const args = text.trim().slice(name.length).trim();
    try {
      await command.run({ ...context, args });
      return 'done';
    } catch (error) {
      if (isError(error) && USER_ERRORS.includes(error.name)) {
        await context.reply(chatRefusal(error.message));
        return 'failed';
      }
      // Not retried: the command may have half-run; the user can try again.
      this.logger.error(`Chat command '${text}' failed: ${error}`);
      await context.reply(
        `Sorry, \`${command.name}\` failed: ${
          isError(error) ? error.message : String(error)
        }`,
      );
      return 'failed';
    }
  }
}
