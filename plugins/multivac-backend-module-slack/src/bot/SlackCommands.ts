import { LoggerService } from '@backstage/backend-plugin-api';
import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import { CommandOutcome, CommandRegistry } from '../commands/CommandRegistry';
import { SlackConfig } from '../config';
import { shortRef } from '@multivac/plugin-multivac-common';
import {
  COMMAND_REACTIONS,
  escapeMrkdwn,
  mention as mentionOf,
} from '../messages';
import { SlackAppMentionEvent, SlackMessageEvent } from '../transport/types';
import { ReportForm } from './ReportForm';
import { Audience, SlackAnswers } from './SlackAnswers';
import { SlackActors } from './SlackActors';
import { eventRoute, SlackRoute, SlackRouteContext } from './SlackRoutes';
import { SlackBotServices } from './SlackBotServices';

/**
 * The chat commands in Slack: the slash command, and commands typed as a
 * message in an incident channel or mentioning the bot. Each runs as the
 * catalog user behind the Slack user, in the incident of the channel.
 */
export class SlackCommands {
  readonly routes: SlackRoute[];

  constructor(
    private readonly deps: SlackBotServices & {
      actors: SlackActors;
      answers: SlackAnswers;
      commands: CommandRegistry;
      reportForm: ReportForm;
      config: SlackConfig;
      logger: LoggerService;
    },
  ) {
    this.routes = [
      {
        kind: 'command',
        id: deps.config.command,
        handle: async (command, context) => {
          await this.run(command.text, context, command.trigger_id);
        },
      },
      eventRoute('message', (event, context) => this.runTyped(event, context)),
      eventRoute('app_mention', (event, context) =>
        this.runTyped(event, context),
      ),
    ];
  }

  /** A command typed as a message; ✅ once it ran, ❓ when not understood. */
  private async runTyped(
    event: SlackMessageEvent | SlackAppMentionEvent,
    context: SlackRouteContext,
  ) {
    if ('bot_id' in event && event.bot_id) {
      return;
    }
    if ('subtype' in event && event.subtype) {
      return;
    }
    const mentioned = event.type === 'app_mention';
    // Slack delivers a message that mentions the bot twice, as a `message`
    // and as an `app_mention` (different event ids): only the mention runs
    // it, so a plain message that starts with a mention is not a command.
    const text = mentioned
      ? (event.text ?? '').replace(/^\s*<@[A-Z0-9]+>\s*/, '')
      : event.text ?? '';
    const [first = ''] = text.trim().split(/\s+/);
    // Plain messages are conversation unless they start with a command.
    // A typo of a command (`sevv 1`) is answered too, with ❓ and a hint.
    if (!mentioned) {
      const { commands, store } = this.deps;
      if (
        !(commands.has(first) || commands.typoOf(text)) ||
        !(await store.incidentForChannel(event.channel))
      ) {
        return;
      }
    }
    const outcome = await this.run(text, context);
    const reaction = COMMAND_REACTIONS[outcome as 'done' | 'unknown'];
    if (reaction) {
      // The command has run: a reaction Slack refuses must not fail the job
      // (a retry would run the command again) or send an apology.
      await this.deps.client.reactions
        .add({ channel: event.channel, timestamp: event.ts, name: reaction })
        .catch(error =>
          this.deps.logger.warn(
            `Could not add :${reaction}: to a command in ${event.channel}: ${error}`,
          ),
        );
    }
  }

  private async run(
    text: string,
    { workflow, audience }: SlackRouteContext,
    triggerId?: string,
  ): Promise<CommandOutcome> {
    const { actors, answers, users, commands, reportForm, config } = this.deps;
    const actor = await actors.actorFor(audience);
    if (!actor) {
      return 'failed';
    }
    const incident = await this.incidentOf(audience, workflow);
    const tell = (message: string) => answers.tell(audience, message);
    const outcome = await commands.run(text || 'help', {
      actor,
      incident,
      workflow,
      reply: tell,
      findUser: mention => {
        const id = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(mention.trim())?.[1];
        return id ? users.catalogUser(id) : Promise.resolve(undefined);
      },
      person: async userRef => {
        const slackId = await users.slackId(userRef);
        if (slackId) {
          return mentionOf(slackId);
        }
        const names = await users.displayNames([userRef]);
        return escapeMrkdwn(names[userRef] ?? shortRef(userRef));
      },
      openReportForm: () =>
        triggerId
          ? reportForm.open(triggerId, workflow)
          : tell(`Use \`${config.command} report\` to open the report form.`),
    });
    if (outcome === 'unknown') {
      const typed = text.split(/\s+/)[0];
      const meant = commands.suggest(typed);
      await tell(
        `I don't know \`${escapeMrkdwn(typed)}\`.${
          meant ? ` Did you mean \`${meant}\`?` : ''
        } Try \`${config.command} help\`.`,
      );
    }
    return outcome;
  }

  /** The incident whose channel the command was typed in, if any. */
  private async incidentOf(audience: Audience, workflow: MultivacWorkflow) {
    const channel =
      audience.channelId &&
      (await this.deps.store.incidentForChannel(audience.channelId));
    return channel ? workflow.incidents.get(channel.incidentId) : undefined;
  }
}
