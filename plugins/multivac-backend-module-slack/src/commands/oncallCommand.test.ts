import { OnCallAnswer } from '@multivac/plugin-multivac-common';
import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import { incidentCommands } from './incidentCommands';
import { CommandContext } from './types';

const oncall = incidentCommands.find(command => command.name === 'oncall')!;

const answer = (timeZone?: string): OnCallAnswer => ({
  entityRef: 'component:default/payments-api',
  resolvedFrom: 'group:default/payments',
  provider: 'builtin',
  schedule: { id: 'payments-primary', name: 'Payments primary', timeZone },
  levels: [
    {
      level: 1,
      timeoutMinutes: 10,
      onCall: [
        {
          person: { name: 'Grace Hopper', phone: '+49 30 5550 1002' },
          start: '2026-11-30T08:00:00.000Z',
          // 9:00 in Berlin
          end: '2026-12-07T08:00:00.000Z',
        },
      ],
    },
  ],
});

/** What `oncall payments-api` answers, for a reader in `timeZone`. */
async function reply(schedule: OnCallAnswer, timeZone?: string) {
  const replies: string[] = [];
  const context = {
    args: 'payments-api',
    workflow: {
      onCall: { whoIsOnCall: jest.fn(async () => schedule) },
    } as unknown as MultivacWorkflow,
    reply: async (text: string) => {
      replies.push(text);
    },
    timeZone,
  } as unknown as CommandContext;
  await oncall.run(context);
  return replies[0].split('\n')[1];
}

describe('oncall', () => {
  it("says until when in Slack as a date for each reader, and in the schedule's zone, named", async () => {
    expect(await reply(answer('Europe/Berlin'))).toBe(
      'Level 1: Grace Hopper (+49 30 5550 1002) until <!date^1796630400^{date_short_pretty} {time}|Dec 7, 2026, 8:00 AM UTC> (Dec 7, 2026, 9:00 AM CET schedule time)',
    );
    // without the schedule's zone: only the reader's date
    expect(await reply(answer())).toBe(
      'Level 1: Grace Hopper (+49 30 5550 1002) until <!date^1796630400^{date_short_pretty} {time}|Dec 7, 2026, 8:00 AM UTC>',
    );
  });

  it("says until when in the shell's zone, named, and in the schedule's where its clock differs", async () => {
    expect(await reply(answer('Europe/Berlin'), 'America/New_York')).toBe(
      'Level 1: Grace Hopper (+49 30 5550 1002) until Dec 7, 2026, 3:00 AM EST (9:00 AM CET schedule time)',
    );
    expect(await reply(answer('Europe/Berlin'), 'Europe/Berlin')).toBe(
      'Level 1: Grace Hopper (+49 30 5550 1002) until Dec 7, 2026, 9:00 AM CET',
    );
  });
});
