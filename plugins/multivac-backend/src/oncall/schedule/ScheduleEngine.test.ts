import { DateTime } from 'luxon';
import {
  escalationChain,
  finalShifts,
  layerShifts,
  nextShift,
  onCallAt,
} from './ScheduleEngine';
import { RotationLayer, ScheduleDefinition, Shift } from './types';

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const linus = 'user:default/linus.torvalds';
const margaret = 'user:default/margaret.hamilton';
const berlin = 'Europe/Berlin';

const local = (text: string, zone = berlin) => DateTime.fromISO(text, { zone });

const iso = (dateTime: DateTime) =>
  dateTime.toISO({ suppressSeconds: true, suppressMilliseconds: true });

const describeShifts = (shifts: Shift[]) =>
  shifts.map(shift => ({
    userRef: shift.userRef,
    start: iso(shift.start),
    end: iso(shift.end),
    source: shift.source,
  }));

const hoursOf = (shift: Shift) => shift.end.diff(shift.start, 'hours').hours;

/** Daily at 09:00 from Monday 2026-03-02: ada, grace, linus, ada, ... */
function layer(fields: Partial<RotationLayer> = {}): RotationLayer {
  return {
    name: 'primary',
    members: [ada, grace, linus],
    rotation: { type: 'daily' },
    handoffTime: '09:00',
    start: '2026-03-02',
    ...fields,
  };
}

function schedule(
  fields: Partial<ScheduleDefinition> = {},
): ScheduleDefinition {
  return {
    id: 'payments-primary',
    name: 'Payments primary',
    timeZone: berlin,
    layers: [layer()],
    ...fields,
  };
}

const businessHours = layer({
  name: 'business-hours',
  restrictions: [
    {
      days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      from: '09:00',
      to: '17:00',
    },
  ],
});

const dstChanges = [
  {
    zone: 'Europe/Berlin',
    day: '2026-03-29',
    hours: 23,
    spanning: ['2026-03-28T09:00+01:00', '2026-03-29T09:00+02:00'],
  },
  {
    zone: 'Europe/Berlin',
    day: '2026-10-25',
    hours: 25,
    spanning: ['2026-10-24T09:00+02:00', '2026-10-25T09:00+01:00'],
  },
  {
    zone: 'America/New_York',
    day: '2026-03-08',
    hours: 23,
    spanning: ['2026-03-07T09:00-05:00', '2026-03-08T09:00-04:00'],
  },
  {
    zone: 'America/New_York',
    day: '2026-11-01',
    hours: 25,
    spanning: ['2026-10-31T09:00-04:00', '2026-11-01T09:00-05:00'],
  },
];

/** ada's first shift starts two days before the change, so grace's spans it. */
const rotationAround = (zone: string, day: string) =>
  schedule({
    timeZone: zone,
    layers: [
      layer({
        start: DateTime.fromISO(day).minus({ days: 2 }).toISODate()!,
      }),
    ],
  });

describe('layerShifts', () => {
  it('hands off daily at 09:00 local time', () => {
    expect(
      describeShifts(
        layerShifts(
          layer(),
          berlin,
          local('2026-03-02T00:00'),
          local('2026-03-05T00:00'),
        ),
      ),
    ).toEqual([
      {
        userRef: ada,
        start: '2026-03-02T09:00+01:00',
        end: '2026-03-03T09:00+01:00',
        source: 'primary',
      },
      {
        userRef: grace,
        start: '2026-03-03T09:00+01:00',
        end: '2026-03-04T09:00+01:00',
        source: 'primary',
      },
      {
        userRef: linus,
        start: '2026-03-04T09:00+01:00',
        end: '2026-03-05T00:00+01:00',
        source: 'primary',
      },
    ]);
  });

  it('hands off weekly on the hand-off day at the hand-off time', () => {
    const weekly = layer({
      rotation: { type: 'weekly', handoffDay: 'monday' },
      // A Wednesday: ada's first shift runs until the next Monday.
      start: '2026-03-04',
    });
    expect(
      describeShifts(
        layerShifts(
          weekly,
          berlin,
          local('2026-03-01T00:00'),
          local('2026-03-23T09:00'),
        ),
      ).map(({ userRef, start, end }) => [userRef, start, end]),
    ).toEqual([
      [ada, '2026-03-04T09:00+01:00', '2026-03-09T09:00+01:00'],
      [grace, '2026-03-09T09:00+01:00', '2026-03-16T09:00+01:00'],
      [linus, '2026-03-16T09:00+01:00', '2026-03-23T09:00+01:00'],
    ]);
  });

  it('rotates custom 12-hour shifts counted from the start, ignoring the hand-off time', () => {
    const custom = layer({
      rotation: { type: 'custom', hours: 12 },
      start: '2026-03-02T06:00',
    });
    expect(
      describeShifts(
        layerShifts(
          custom,
          berlin,
          local('2026-03-02T00:00'),
          local('2026-03-03T18:00'),
        ),
      ).map(({ userRef, start, end }) => [userRef, start, end]),
    ).toEqual([
      [ada, '2026-03-02T06:00+01:00', '2026-03-02T18:00+01:00'],
      [grace, '2026-03-02T18:00+01:00', '2026-03-03T06:00+01:00'],
      [linus, '2026-03-03T06:00+01:00', '2026-03-03T18:00+01:00'],
    ]);
  });

  it('wraps around to the first member after the last', () => {
    expect(
      layerShifts(
        layer(),
        berlin,
        local('2026-03-02T09:00'),
        local('2026-03-07T09:00'),
      ).map(shift => shift.userRef),
    ).toEqual([ada, grace, linus, ada, grace]);
  });

  it('has no one before the rotation start', () => {
    expect(
      layerShifts(
        layer(),
        berlin,
        local('2026-02-01T00:00'),
        local('2026-03-02T09:00'),
      ),
    ).toEqual([]);
    expect(
      layerShifts(
        layer(),
        berlin,
        local('2026-03-01T00:00'),
        local('2026-03-02T12:00'),
      ).map(shift => [shift.userRef, iso(shift.start)]),
    ).toEqual([[ada, '2026-03-02T09:00+01:00']]);
  });

  it('gives a rotation starting between hand-offs a short first shift', () => {
    expect(
      layerShifts(
        layer({ start: '2026-03-02T15:30' }),
        berlin,
        local('2026-03-02T00:00'),
        local('2026-03-04T09:00'),
      ).map(shift => [shift.userRef, iso(shift.start), iso(shift.end)]),
    ).toEqual([
      [ada, '2026-03-02T15:30+01:00', '2026-03-03T09:00+01:00'],
      [grace, '2026-03-03T09:00+01:00', '2026-03-04T09:00+01:00'],
    ]);
  });

  it.each(dstChanges)(
    'keeps the daily hand-off at 09:00 local around $day in $zone',
    ({ zone, day, hours, spanning }) => {
      const shifts = layerShifts(
        rotationAround(zone, day).layers[0],
        zone,
        local(`${day}T00:00`, zone).minus({ days: 2 }),
        local(`${day}T00:00`, zone).plus({ days: 2 }),
      );
      expect(shifts.map(shift => shift.userRef)).toEqual([
        ada,
        grace,
        linus,
        ada,
      ]);
      expect(
        shifts.slice(1).map(shift => shift.start.toFormat('HH:mm')),
      ).toEqual(['09:00', '09:00', '09:00']);
      expect([iso(shifts[1].start), iso(shifts[1].end)]).toEqual(spanning);
      expect(shifts.slice(0, 3).map(hoursOf)).toEqual([24, hours, 24]);
    },
  );

  it('counts hand-offs in calendar days when asked after a daylight-saving change', () => {
    // 28 days after the start, although only 27 days and 23 hours have elapsed.
    expect(
      layerShifts(
        layer(),
        berlin,
        local('2026-03-30T12:00'),
        local('2026-03-30T13:00'),
      ).map(shift => shift.userRef),
    ).toEqual([grace]);
  });

  it('makes a weekly shift spanning the spring-forward 167 hours long', () => {
    const [shift] = layerShifts(
      layer({
        rotation: { type: 'weekly', handoffDay: 'monday' },
        start: '2026-03-23',
      }),
      berlin,
      local('2026-03-23T09:00'),
      local('2026-03-30T10:00'),
    );
    expect([iso(shift.start), iso(shift.end), hoursOf(shift)]).toEqual([
      '2026-03-23T09:00+01:00',
      '2026-03-30T09:00+02:00',
      167,
    ]);
  });

  it('counts custom rotations in elapsed hours, so the local hand-off time moves with daylight saving', () => {
    const custom = layer({
      rotation: { type: 'custom', hours: 12 },
      start: '2026-03-28T09:00',
    });
    expect(
      layerShifts(
        custom,
        berlin,
        local('2026-03-28T09:00'),
        local('2026-03-29T22:00'),
      ).map(shift => [shift.userRef, iso(shift.start), iso(shift.end)]),
    ).toEqual([
      [ada, '2026-03-28T09:00+01:00', '2026-03-28T21:00+01:00'],
      [grace, '2026-03-28T21:00+01:00', '2026-03-29T10:00+02:00'],
      [linus, '2026-03-29T10:00+02:00', '2026-03-29T22:00+02:00'],
    ]);
  });

  it('covers only the restriction windows, one shift per window', () => {
    // Friday to Tuesday: the weekend has no one.
    expect(
      layerShifts(
        businessHours,
        berlin,
        local('2026-03-06T00:00'),
        local('2026-03-10T00:00'),
      ).map(shift => [shift.userRef, iso(shift.start), iso(shift.end)]),
    ).toEqual([
      [grace, '2026-03-06T09:00+01:00', '2026-03-06T17:00+01:00'],
      [grace, '2026-03-09T09:00+01:00', '2026-03-09T17:00+01:00'],
    ]);
  });

  it('gives a restricted window wholly to the member whose turn contains its start', () => {
    const noonHandoff = layer({
      handoffTime: '12:00',
      restrictions: businessHours.restrictions,
    });
    expect(
      layerShifts(
        noonHandoff,
        berlin,
        local('2026-03-02T00:00'),
        local('2026-03-05T00:00'),
      ).map(shift => [shift.userRef, iso(shift.start), iso(shift.end)]),
    ).toEqual([
      // The rotation starts at noon, inside Monday's window.
      [ada, '2026-03-02T12:00+01:00', '2026-03-02T17:00+01:00'],
      [ada, '2026-03-03T09:00+01:00', '2026-03-03T17:00+01:00'],
      [grace, '2026-03-04T09:00+01:00', '2026-03-04T17:00+01:00'],
    ]);
    expect(
      layerShifts(
        noonHandoff,
        berlin,
        local('2026-03-03T13:00'),
        local('2026-03-03T14:00'),
      ).map(shift => shift.userRef),
    ).toEqual([ada]);
  });

  it('runs a window whose end is not after its start past midnight', () => {
    const saturdayNights = layer({
      restrictions: [{ days: ['saturday'], from: '22:00', to: '06:00' }],
    });
    const shifts = (from: string, to: string) =>
      layerShifts(saturdayNights, berlin, local(from), local(to)).map(shift => [
        shift.userRef,
        iso(shift.start),
        iso(shift.end),
      ]);
    expect(shifts('2026-03-07T00:00', '2026-03-09T00:00')).toEqual([
      [linus, '2026-03-07T22:00+01:00', '2026-03-08T06:00+01:00'],
    ]);
    expect(shifts('2026-03-08T03:00', '2026-03-09T00:00')).toEqual([
      [linus, '2026-03-08T03:00+01:00', '2026-03-08T06:00+01:00'],
    ]);
  });

  it("returns times in the schedule's time zone", () => {
    const [shift] = layerShifts(
      layer(),
      berlin,
      DateTime.fromISO('2026-03-02T12:00Z', { zone: 'utc' }),
      DateTime.fromISO('2026-03-02T13:00Z', { zone: 'utc' }),
    );
    expect(shift.start.zoneName).toBe(berlin);
    expect(iso(shift.start)).toBe('2026-03-02T13:00+01:00');
  });
});

describe('finalShifts', () => {
  it('shows the business-hours person in hours and the 24/7 person otherwise', () => {
    const followTheSun = schedule({
      layers: [
        layer({ name: 'base', members: [ada, grace], start: '2026-03-01' }),
        {
          ...businessHours,
          members: [linus, margaret],
          rotation: { type: 'weekly', handoffDay: 'monday' },
        },
      ],
    });
    expect(
      describeShifts(
        finalShifts(
          followTheSun,
          local('2026-03-02T00:00'),
          local('2026-03-04T00:00'),
        ),
      ),
    ).toEqual([
      {
        userRef: ada,
        start: '2026-03-02T00:00+01:00',
        end: '2026-03-02T09:00+01:00',
        source: 'base',
      },
      {
        userRef: linus,
        start: '2026-03-02T09:00+01:00',
        end: '2026-03-02T17:00+01:00',
        source: 'business-hours',
      },
      {
        userRef: grace,
        start: '2026-03-02T17:00+01:00',
        end: '2026-03-03T09:00+01:00',
        source: 'base',
      },
      {
        userRef: linus,
        start: '2026-03-03T09:00+01:00',
        end: '2026-03-03T17:00+01:00',
        source: 'business-hours',
      },
      {
        userRef: ada,
        start: '2026-03-03T17:00+01:00',
        end: '2026-03-04T00:00+01:00',
        source: 'base',
      },
    ]);
    expect(onCallAt(followTheSun, local('2026-03-02T18:00'))?.userRef).toBe(
      grace,
    );
    expect(onCallAt(followTheSun, local('2026-03-07T12:00'))?.source).toBe(
      'base',
    );
  });

  it('lets a later layer win from its start and merges adjacent shifts of the same person', () => {
    const withSecondary = schedule({
      layers: [
        layer({ name: 'base', members: [ada, grace], start: '2026-03-01' }),
        layer({ name: 'secondary', members: [linus], start: '2026-03-03' }),
      ],
    });
    expect(
      finalShifts(
        withSecondary,
        local('2026-03-02T00:00'),
        local('2026-03-05T00:00'),
      ).map(shift => [shift.userRef, iso(shift.start), iso(shift.end)]),
    ).toEqual([
      [ada, '2026-03-02T00:00+01:00', '2026-03-02T09:00+01:00'],
      [grace, '2026-03-02T09:00+01:00', '2026-03-03T09:00+01:00'],
      [linus, '2026-03-03T09:00+01:00', '2026-03-05T00:00+01:00'],
    ]);
  });

  it('splits a shift into three pieces around an override in its middle', () => {
    const withOverride = schedule({
      overrides: [
        {
          userRef: margaret,
          start: '2026-03-02T13:00+01:00',
          end: '2026-03-02T15:00+01:00',
        },
      ],
    });
    expect(
      describeShifts(
        finalShifts(
          withOverride,
          local('2026-03-02T09:00'),
          local('2026-03-03T09:00'),
        ),
      ),
    ).toEqual([
      {
        userRef: ada,
        start: '2026-03-02T09:00+01:00',
        end: '2026-03-02T13:00+01:00',
        source: 'primary',
      },
      {
        userRef: margaret,
        start: '2026-03-02T13:00+01:00',
        end: '2026-03-02T15:00+01:00',
        source: 'override',
      },
      {
        userRef: ada,
        start: '2026-03-02T15:00+01:00',
        end: '2026-03-03T09:00+01:00',
        source: 'primary',
      },
    ]);
  });

  it('hands over from an override ending exactly at a hand-off to the next person', () => {
    const withOverride = schedule({
      overrides: [
        {
          userRef: margaret,
          // In UTC, to show overrides are compared as instants.
          start: '2026-03-02T19:00Z',
          end: '2026-03-03T08:00Z',
        },
      ],
    });
    expect(
      finalShifts(
        withOverride,
        local('2026-03-02T09:00'),
        local('2026-03-04T09:00'),
      ).map(shift => [shift.userRef, iso(shift.start), iso(shift.end)]),
    ).toEqual([
      [ada, '2026-03-02T09:00+01:00', '2026-03-02T20:00+01:00'],
      [margaret, '2026-03-02T20:00+01:00', '2026-03-03T09:00+01:00'],
      [grace, '2026-03-03T09:00+01:00', '2026-03-04T09:00+01:00'],
    ]);
  });

  it('lets a later override win over an earlier one', () => {
    const withOverrides = schedule({
      overrides: [
        {
          userRef: margaret,
          start: '2026-03-02T10:00+01:00',
          end: '2026-03-02T14:00+01:00',
        },
        {
          userRef: linus,
          start: '2026-03-02T12:00+01:00',
          end: '2026-03-02T13:00+01:00',
        },
      ],
    });
    expect(
      finalShifts(
        withOverrides,
        local('2026-03-02T09:00'),
        local('2026-03-02T15:00'),
      ).map(shift => [shift.userRef, iso(shift.start), iso(shift.end)]),
    ).toEqual([
      [ada, '2026-03-02T09:00+01:00', '2026-03-02T10:00+01:00'],
      [margaret, '2026-03-02T10:00+01:00', '2026-03-02T12:00+01:00'],
      [linus, '2026-03-02T12:00+01:00', '2026-03-02T13:00+01:00'],
      [margaret, '2026-03-02T13:00+01:00', '2026-03-02T14:00+01:00'],
      [ada, '2026-03-02T14:00+01:00', '2026-03-02T15:00+01:00'],
    ]);
  });

  it('leaves gaps without a shift', () => {
    expect(
      finalShifts(
        schedule({ layers: [businessHours] }),
        local('2026-03-06T12:00'),
        local('2026-03-09T12:00'),
      ).map(shift => [iso(shift.start), iso(shift.end)]),
    ).toEqual([
      ['2026-03-06T12:00+01:00', '2026-03-06T17:00+01:00'],
      ['2026-03-09T09:00+01:00', '2026-03-09T12:00+01:00'],
    ]);
  });
});

describe('onCallAt', () => {
  it.each(dstChanges)(
    'finds the right person at 08:59 and 09:00 on $day in $zone',
    ({ zone, day, hours, spanning }) => {
      const rotation = rotationAround(zone, day);
      const before = onCallAt(rotation, local(`${day}T08:59`, zone));
      const after = onCallAt(rotation, local(`${day}T09:00`, zone));
      expect(before?.userRef).toBe(grace);
      expect(before && [iso(before.start), iso(before.end)]).toEqual(spanning);
      expect(before && hoursOf(before)).toBe(hours);
      expect(after?.userRef).toBe(linus);
      expect(after && iso(after.start)).toBe(spanning[1]);
    },
  );

  it('returns the whole shift containing the moment', () => {
    const shift = onCallAt(schedule(), local('2026-03-03T15:00'));
    expect(shift && describeShifts([shift])).toEqual([
      {
        userRef: grace,
        start: '2026-03-03T09:00+01:00',
        end: '2026-03-04T09:00+01:00',
        source: 'primary',
      },
    ]);
  });

  it('finds no one before the rotation start', () => {
    expect(onCallAt(schedule(), local('2026-03-02T08:59'))).toBeUndefined();
  });

  it('finds no one outside business hours on a business-hours layer', () => {
    const officeOnly = schedule({ layers: [businessHours] });
    expect(onCallAt(officeOnly, local('2026-03-03T16:59'))?.userRef).toBe(
      grace,
    );
    expect(onCallAt(officeOnly, local('2026-03-03T18:00'))).toBeUndefined();
    expect(onCallAt(officeOnly, local('2026-03-07T12:00'))).toBeUndefined();
  });
});

describe('nextShift', () => {
  it("returns the next person's shift", () => {
    const next = nextShift(schedule(), local('2026-03-02T12:00'));
    expect(next && describeShifts([next])).toEqual([
      {
        userRef: grace,
        start: '2026-03-03T09:00+01:00',
        end: '2026-03-04T09:00+01:00',
        source: 'primary',
      },
    ]);
  });

  it('returns the same person again after a gap', () => {
    const officeOnly = schedule({ layers: [businessHours] });
    const friday = nextShift(officeOnly, local('2026-03-06T10:00'));
    const evening = nextShift(officeOnly, local('2026-03-06T18:00'));
    for (const next of [friday, evening]) {
      expect(next && [next.userRef, iso(next.start), iso(next.end)]).toEqual([
        grace,
        '2026-03-09T09:00+01:00',
        '2026-03-09T17:00+01:00',
      ]);
    }
  });

  it("skips the current person's own override that follows their shift", () => {
    const extended = schedule({
      overrides: [
        {
          userRef: ada,
          start: '2026-03-03T09:00+01:00',
          end: '2026-03-03T12:00+01:00',
        },
      ],
    });
    const next = nextShift(extended, local('2026-03-02T12:00'));
    expect(next && [next.userRef, iso(next.start), next.source]).toEqual([
      grace,
      '2026-03-03T12:00+01:00',
      'primary',
    ]);
  });

  it('returns nothing when no one takes over within 8 weeks', () => {
    const graceFromMay = schedule({
      layers: [
        layer({ name: 'base', members: [ada] }),
        layer({ name: 'from-may', members: [grace], start: '2026-05-15' }),
      ],
    });
    expect(nextShift(graceFromMay, local('2026-03-02T12:00'))).toBeUndefined();
    expect(
      nextShift(graceFromMay, local('2026-04-01T12:00'))?.start.toISODate(),
    ).toBe('2026-05-15');
  });
});

describe('escalationChain', () => {
  const at = local('2026-03-03T15:00');

  it("defaults to one 15-minute level paging the schedule's on-call person", () => {
    expect(
      escalationChain(schedule(), at).map(step => ({
        ...step,
        onCall: step.onCall.map(shift => shift.userRef),
      })),
    ).toEqual([{ level: 1, timeoutMinutes: 15, onCall: [grace] }]);
  });

  it('lists every level with its timeout, schedule and user targets', () => {
    const chain = escalationChain(
      schedule({
        escalation: [
          { timeoutMinutes: 5, targets: [{ type: 'schedule' }] },
          {
            timeoutMinutes: 10,
            targets: [
              { type: 'schedule' },
              { type: 'user', userRef: margaret },
            ],
          },
          { timeoutMinutes: 30, targets: [{ type: 'user', userRef: linus }] },
        ],
      }),
      at,
    );
    expect(
      chain.map(step => ({
        ...step,
        onCall: describeShifts(step.onCall),
      })),
    ).toEqual([
      {
        level: 1,
        timeoutMinutes: 5,
        onCall: [
          {
            userRef: grace,
            start: '2026-03-03T09:00+01:00',
            end: '2026-03-04T09:00+01:00',
            source: 'primary',
          },
        ],
      },
      {
        level: 2,
        timeoutMinutes: 10,
        onCall: [
          {
            userRef: grace,
            start: '2026-03-03T09:00+01:00',
            end: '2026-03-04T09:00+01:00',
            source: 'primary',
          },
          {
            userRef: margaret,
            start: '2026-03-03T15:00+01:00',
            end: '2026-03-04T15:00+01:00',
            source: 'escalation',
          },
        ],
      },
      {
        level: 3,
        timeoutMinutes: 30,
        onCall: [
          {
            userRef: linus,
            start: '2026-03-03T15:00+01:00',
            end: '2026-03-04T15:00+01:00',
            source: 'escalation',
          },
        ],
      },
    ]);
  });

  it('pages no one for the schedule when no one is on call', () => {
    expect(
      escalationChain(schedule(), local('2026-03-01T12:00'))[0].onCall,
    ).toEqual([]);
  });
});
