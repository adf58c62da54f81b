import { InputError } from '@backstage/errors';
import { alertReadPermission } from '@multivac/plugin-multivac-common';
import { escapeMrkdwn, firingAlertsText } from '../messages';
import { ChatCommand } from './types';

/** Firing alerts read to group and list; more are counted, not listed. */
const FETCHED_ALERTS = 100;

/** What is firing now, in chat. */
export const alertCommands: ChatCommand[] = [
  {
    name: 'alerts',
    usage: '[service|team]',
    description:
      "what is firing now on a service or a team's services (in an incident, on its services; else everywhere)",
    permission: alertReadPermission,
    async run(context) {
      const words = context.args.split(/\s+/).filter(Boolean);
      if (words.length > 1) {
        throw new InputError(
          `Name one service or team, e.g. \`alerts payments-api\`; got \`${escapeMrkdwn(
            context.args,
          )}\``,
        );
      }
      const { workflow } = context;
      const entities = words.length
        ? words
        : context.incident?.entityRefs ?? [];
      const firing = await workflow.alerts.firing({
        entities,
        limit: FETCHED_ALERTS,
      });
      await context.reply(
        firingAlertsText(firing, {
          alertsUrl: workflow.urls.alerts(
            firing.entityRefs.length === 1 ? firing.entityRefs[0] : undefined,
          ),
          groupUrl: id => workflow.urls.alertGroup(id),
        }),
      );
    },
  },
];
