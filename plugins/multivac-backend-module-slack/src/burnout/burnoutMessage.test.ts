import { ConfigReader } from '@backstage/config';
import { WorkflowBadNight } from '@multivac/plugin-multivac-node';
import { readBurnoutNudge } from './burnoutConfig';
import { burnoutNudgeText } from './burnoutMessage';
import { nudgeDue } from './BurnoutNudger';

const grace = 'user:default/grace.hopper';
const alan = 'user:default/alan.turing';
const ken = 'user:default/ken.thompson';

const night: WorkflowBadNight = {
  userRef: grace,
  name: 'Grace Hopper',
  night: '2026-03-24',
  timeZone: 'Europe/Berlin',
  start: '2026-03-24T21:00:00.000Z',
  end: '2026-03-25T07:00:00.000Z',
  interruptions: [
    ['2026-03-25T00:12:00.000Z', '01:12', 'payments-api'],
    ['2026-03-25T01:40:00.000Z', '02:40', 'payments-api'],
    ['2026-03-25T03:05:00.000Z', '04:05', 'payments-db'],
  ].map(([at, localTime, name]) => ({
    at,
    localTime,
    entityRef: `component:default/${name}`,
    entityName: name,
  })),
  schedule: {
    id: 'payments-primary',
    name: 'Payments primary',
    timeZone: 'Europe/Berlin',
  },
  team: { ref: 'group:default/payments', name: 'Payments' },
  lead: {
    userRef: 'user:default/ada.lovelace',
    name: 'Ada Lovelace',
    timeZone: 'Europe/Berlin',
    source: 'config',
  },
  cover: [
    {
      userRef: alan,
      name: 'Alan Turing',
      interruptions: 0,
      interruptionsShare: 0,
      hours: 168,
      hoursShare: 0.3049,
    },
    {
      userRef: ken,
      name: 'Ken Thompson',
      interruptions: 1,
      interruptionsShare: 0.1429,
      hours: 167.5,
      hoursShare: 0.304,
    },
  ],
  coverPeriod: {
    from: '2026-02-23T07:00:00.000Z',
    to: '2026-03-25T07:00:00.000Z',
  },
};

describe('burnoutNudgeText', () => {
  it('says who was woken when, by what, and who could cover, by mention where known', () => {
    expect(
      burnoutNudgeText(night, {
        slackIds: { [grace]: 'U0GRACE', [ken]: 'U0KEN' },
      }),
    ).toBe(
      ':zzz: <@U0GRACE> was woken 3 times last night (01:12, 02:40 and 04:05, Europe/Berlin time) by payments-api and payments-db pages, on call for Payments primary.\n' +
        'Alan Turing or <@U0KEN> carried the least on-call load on Payments primary over the last 30 days (Alan Turing 0% of its interruptions in 168 hours on call, <@U0KEN> 14% of its interruptions in 167.5 hours on call) and could cover tonight.',
    );
  });

  it('names people by display name without Slack, escaped, and says when nobody can cover', () => {
    expect(
      burnoutNudgeText(
        {
          ...night,
          name: 'Grace <Amazing> Hopper',
          interruptions: night.interruptions.slice(0, 2),
          cover: [],
        },
        { slackIds: {} },
      ),
    ).toBe(
      ':zzz: Grace &lt;Amazing&gt; Hopper was woken twice last night (01:12 and 02:40, Europe/Berlin time) by payments-api pages, on call for Payments primary.\n' +
        'Nobody else is on Payments primary to cover tonight.',
    );
    expect(
      burnoutNudgeText(
        { ...night, cover: night.cover.slice(1) },
        { slackIds: {} },
      ).split('\n')[1],
    ).toBe(
      'Ken Thompson carried the least on-call load on Payments primary over the last 30 days (Ken Thompson 14% of its interruptions in 167.5 hours on call) and could cover tonight.',
    );
  });
});

describe('nudgeDue', () => {
  it("is due from the lead's hour on the day the night ended, or from its end when later", () => {
    // Ended 08:00 Berlin (07:00 UTC); the lead in Berlin at 09:00.
    const at = (iso: string) => new Date(iso);
    expect(
      nudgeDue(night, 'Europe/Berlin', 9, at('2026-03-25T07:59:00Z')),
    ).toBe(false);
    expect(
      nudgeDue(night, 'Europe/Berlin', 9, at('2026-03-25T08:00:00Z')),
    ).toBe(true);
    // A lead in New York: 09:00 EDT is 13:00 UTC.
    expect(
      nudgeDue(night, 'America/New_York', 9, at('2026-03-25T12:59:00Z')),
    ).toBe(false);
    expect(
      nudgeDue(night, 'America/New_York', 9, at('2026-03-25T13:00:00Z')),
    ).toBe(true);
    // A lead in Tokyo: the night ends at 16:00 there, after 09:00: at once.
    expect(nudgeDue(night, 'Asia/Tokyo', 9, at('2026-03-25T06:59:00Z'))).toBe(
      false,
    );
    expect(nudgeDue(night, 'Asia/Tokyo', 9, at('2026-03-25T07:00:00Z'))).toBe(
      true,
    );
    // The lead's next day: due whatever the hour.
    expect(nudgeDue(night, 'Asia/Tokyo', 23, at('2026-03-25T15:30:00Z'))).toBe(
      true,
    );
  });
});

describe('readBurnoutNudge', () => {
  it('is off by default, at 09:00, and names a bad hour', () => {
    expect(readBurnoutNudge(new ConfigReader({}))).toEqual({
      enabled: false,
      hour: 9,
    });
    expect(
      readBurnoutNudge(
        new ConfigReader({
          multivac: { slack: { burnoutNudge: { enabled: true, hour: 7 } } },
        }),
      ),
    ).toEqual({ enabled: true, hour: 7 });
    expect(() =>
      readBurnoutNudge(
        new ConfigReader({
          multivac: { slack: { burnoutNudge: { enabled: true, hour: 24 } } },
        }),
      ),
    ).toThrow(
      'multivac.slack.burnoutNudge.hour must be a whole hour from 0 to 23, got 24',
    );
  });
});
