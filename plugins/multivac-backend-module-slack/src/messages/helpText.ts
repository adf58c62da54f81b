import { escapeMrkdwn } from './mrkdwn';

export interface HelpCommand {
  /** The word that starts the command, e.g. `start`. */
  name: string;
  /** What may follow the name, e.g. `[title]`; empty when nothing does. */
  usage: string;
  /** What it does, e.g. "declare an incident". */
  description: string;
}

/** The bot's answer to `help`, as mrkdwn. */
export function helpText(
  commands: HelpCommand[],
  slashCommand: string,
): string {
  const lines = commands.map(command => {
    const usage = [slashCommand, command.name, command.usage]
      .filter(Boolean)
      .join(' ');
    return `• \`${escapeMrkdwn(usage)}\` — ${escapeMrkdwn(
      command.description,
    )}`;
  });
  return [
    '*What I can do*',
    ...lines,
    `Inside an incident channel you can type them as plain messages, without \`${escapeMrkdwn(
      slashCommand,
    )}\`, or mention me first, e.g. \`@Multivac help\`.`,
  ].join('\n');
}
