import { CommandWording } from '../commands/types';
import { escapeMrkdwn } from '../messages';

/** How commands read in the terminal shell: no slash command, no channels. */
export const shellWording: CommandWording = {
  help: commands =>
    [
      '*What I can do*',
      ...commands.map(
        command =>
          `• \`${escapeMrkdwn(
            [command.name, command.usage].filter(Boolean).join(' '),
          )}\` — ${escapeMrkdwn(command.description)}`,
      ),
      'Incident commands apply to the incident you are in: `start` one, or enter one with `:use INC-3`.',
    ].join('\n'),
  needsIncident: command =>
    `\`${command}\` needs an incident: enter one with \`:use INC-3\`, or start one with \`start &lt;service&gt; [sev1-4] [title]\`.`,
};
