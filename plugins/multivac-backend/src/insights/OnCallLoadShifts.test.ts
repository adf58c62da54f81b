import { ScheduleDefinition } from '../oncall/schedule';
import { joinedShifts, SHIFT_CHUNK_MS, ShiftCache } from './OnCallLoadShifts';

const ada = 'user:default/ada';
const alan = 'user:default/alan';
const grace = 'user:default/grace';

const daily: ScheduleDefinition = {
  id: 'eu',
  name: 'EU',
  timeZone: 'Europe/Berlin',
  layers: [
    {
      name: 'daily',
      members: [ada, alan],
      rotation: { type: 'daily' },
      handoffTime: '09:00',
      start: '2026-03-01',
    },
  ],
  overrides: [
    // Grace over Ada's turn, and Ada over her own (adjacent: one shift).
    {
      userRef: grace,
      start: '2026-03-31T14:00:00+02:00',
      end: '2026-04-01T02:00:00+02:00',
    },
    {
      userRef: ada,
      start: '2026-04-02T09:00:00+02:00',
      end: '2026-04-03T12:00:00+02:00',
    },
  ],
};

const businessHours: ScheduleDefinition = {
  id: 'ny',
  name: 'NY',
  timeZone: 'America/New_York',
  layers: [
    {
      name: 'weekly',
      members: [grace, alan, ada],
      rotation: { type: 'weekly', handoffDay: 'wednesday' },
      handoffTime: '10:00',
      start: '2026-02-04',
      restrictions: [
        {
          days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
          from: '09:00',
          to: '17:00',
        },
      ],
    },
    {
      name: 'nights',
      members: [ada],
      rotation: { type: 'custom', hours: 36 },
      handoffTime: '00:00',
      start: '2026-02-01T20:00',
      restrictions: [
        { days: ['saturday', 'sunday'], from: '20:00', to: '08:00' },
      ],
    },
  ],
};

/** A new version from 20 March: weekly turns of three. */
const versioned: ScheduleDefinition = {
  ...daily,
  versions: [
    { until: '2026-03-20T08:00:00.000Z', schedule: daily },
    {
      from: '2026-03-20T08:00:00.000Z',
      schedule: {
        ...daily,
        layers: [
          {
            name: 'weekly',
            members: [grace, ada, alan],
            rotation: { type: 'weekly', handoffDay: 'friday' },
            handoffTime: '09:00',
            start: '2026-03-06',
          },
        ],
      },
    },
  ],
};

/** Two restrictions whose windows overlap on Saturdays. */
const overlapping: ScheduleDefinition = {
  ...daily,
  id: 'overlap',
  layers: [
    {
      ...daily.layers[0],
      restrictions: [
        { days: ['friday'], from: '18:00', to: '09:00' },
        { days: ['saturday'], from: '00:00', to: '23:00' },
      ],
    },
  ],
};

const at = (iso: string) => new Date(iso).getTime();

describe('ShiftCache', () => {
  // Periods starting and ending anywhere, over DST (29 March in Europe,
  // 8 March in New York) and chunk boundaries.
  const periods: Array<[number, number]> = [];
  for (let k = 0; k < 40; k++) {
    const from = at('2026-02-27T00:00:00Z') + k * 37 * 3_600_000 + k * 61_001;
    periods.push([from, from + ((k % 9) + 1) * 2 * 86_400_000 + k * 999]);
  }
  periods.push([at('2026-03-27T00:00:00Z'), at('2026-04-03T00:00:00Z')]);
  periods.push([at('2026-01-01T00:00:00Z'), at('2026-07-01T00:00:00Z')]);
  periods.push([SHIFT_CHUNK_MS * 2935, SHIFT_CHUNK_MS * 2937]);

  it.each([
    ['overrides over a daily rotation', daily],
    ['restricted and custom layers', businessHours],
    ['versions', versioned],
    ['overlapping restrictions (expanded per period)', overlapping],
  ])(
    'gives what the schedule engine gives for each period: %s',
    (_name, schedule) => {
      const cache = new ShiftCache();
      for (const [from, to] of [...periods, ...[...periods].reverse()]) {
        expect(cache.shifts(schedule, from, to)).toEqual(
          joinedShifts(schedule, from, to),
        );
      }
    },
  );

  it('joins a person across chunks and keeps a changed schedule apart', () => {
    const cache = new ShiftCache();
    const from = at('2026-04-02T00:00:00Z');
    const to = at('2026-04-10T00:00:00Z');
    const before = cache.shifts(daily, from, to);
    // Ada's own override runs into her turn: one shift of 27 hours.
    expect(before[1]).toEqual({
      userRef: ada,
      start: at('2026-04-02T07:00:00Z'),
      end: at('2026-04-03T10:00:00Z'),
    });
    const changed = { ...daily, overrides: [] };
    expect(cache.shifts(changed, from, to)[1]).toEqual({
      userRef: ada,
      start: at('2026-04-02T07:00:00Z'),
      end: at('2026-04-03T07:00:00Z'),
    });
    expect(cache.shifts(daily, from, to)).toEqual(before);
    expect(cache.shifts(daily, to, to)).toEqual([]);
  });
});
