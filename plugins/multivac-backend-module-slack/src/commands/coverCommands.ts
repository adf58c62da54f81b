import { InputError } from '@backstage/errors';
import { oncallOverridePermission } from '@multivac/plugin-multivac-common';
import { escapeMrkdwn } from '../messages';
import { ChatCommand } from './types';

const USAGE = 'cover @person 18:00-09:00 [schedule]';
const WINDOW = /^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/;

/** 'Sat 5 Dec, 18:00' in the schedule's zone. */
function local(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/**
 * `cover @grace 18:00-09:00 [schedule]`: Grace is on call for the schedule
 * tonight from 18:00 to 09:00 in the schedule's zone (issue 19), in Slack
 * and the shell alike.
 */
export const coverCommands: ChatCommand[] = [
  {
    name: 'cover',
    usage: '@person HH:mm-HH:mm [schedule]',
    description:
      "cover a shift: the person is on call from the first time to the second (the schedule's zone; the next day when earlier)",
    permission: oncallOverridePermission,
    async run(context) {
      const words = context.args.split(/\s+/).filter(Boolean);
      const window = WINDOW.exec(words[1] ?? '');
      if (words.length < 2 || words.length > 3 || !window) {
        throw new InputError(`Usage: \`${escapeMrkdwn(USAGE)}\``);
      }
      const [mention, , scheduleId] = words;
      const user = await context.findUser(mention);
      if (!user) {
        throw new InputError(
          `I cannot find ${escapeMrkdwn(
            mention,
          )} in the catalog, so they cannot cover a shift.`,
        );
      }
      const cover = context.workflow.onCall.coverShift;
      if (!cover) {
        throw new InputError('This Multivac backend does not store overrides.');
      }
      const { override, schedule } = await cover(
        { userRef: user.userRef, scheduleId, from: window[1], to: window[2] },
        context.actor.userRef,
      );
      const who = /^<@[A-Z0-9]+(\|[^>]*)?>$/.test(mention)
        ? `${mention} (${escapeMrkdwn(user.name)})`
        : escapeMrkdwn(user.name);
      await context.reply(
        `${who} covers *${escapeMrkdwn(schedule.name)}* from ${local(
          override.start,
          schedule.timeZone,
        )} to ${local(override.end, schedule.timeZone)} (${
          schedule.timeZone
        }).`,
      );
    },
  },
];
