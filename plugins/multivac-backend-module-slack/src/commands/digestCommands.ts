import { InputError } from '@backstage/errors';
import { insightsReadPermission } from '@multivac/plugin-multivac-common';
import { digestText } from '../digest/digestMessage';
import { escapeMrkdwn } from '../messages';
import { ChatCommand } from './types';

/** The daily digest on demand, in chat and in the shell. */
export const digestCommands: ChatCommand[] = [
  {
    name: 'digest',
    usage: '[team]',
    description:
      "the last 24 hours: incidents, reports, pages, post-mortems due, releases, tonight's on-call (of a team when named)",
    permission: insightsReadPermission,
    async run(context) {
      const words = context.args.split(/\s+/).filter(Boolean);
      if (words.length > 1) {
        throw new InputError(
          `Name one team, e.g. \`digest payments\`; got \`${escapeMrkdwn(
            context.args,
          )}\``,
        );
      }
      const { workflow } = context;
      const digest = await workflow.insights.digest({ team: words[0] });
      await context.reply(
        digestText(digest, {
          incident: reference => workflow.urls.incident(reference),
          postmortem: reference => workflow.urls.postmortem(reference),
          release: reference => workflow.urls.release(reference),
        }),
      );
    },
  },
];
