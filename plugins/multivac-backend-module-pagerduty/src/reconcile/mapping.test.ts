import { parseScheduleEntity } from '@multivac/plugin-multivac-common';
import { desiredSchedule, importSpec } from './mapping';

function parsed(spec: Record<string, unknown>) {
  const result = parseScheduleEntity({
    apiVersion: 'multivac.io/v1alpha1',
    kind: 'Schedule',
    metadata: { name: 's' },
    spec: { owner: 'group:default/team', ...spec },
  });
  if (!result.ok) {
    throw new Error(result.problems.join('; '));
  }
  return result.value;
}

const member = (name: string) => `user:default/${name}`;

describe('desiredSchedule', () => {
  it('starts a weekly rotation at the hand-off on or before its start, as the built-in engine does', () => {
    const [layer] = desiredSchedule(
      parsed({
        timeZone: 'Europe/Berlin',
        layers: [
          {
            name: 'weekly',
            members: [member('ada'), member('grace')],
            rotation: { type: 'weekly', handoffDay: 'monday' },
            handoffTime: '09:00',
            start: '2026-01-07', // a Wednesday
          },
        ],
      }),
    ).layers;
    expect(layer).toMatchObject({
      start: '2026-01-07T09:00:00+01:00',
      rotation_virtual_start: '2026-01-05T09:00:00+01:00',
      rotation_turn_length_seconds: 604800,
    });
  });

  it('uses the offset of the date in the zone (summer time), and effectiveFrom as the layer start', () => {
    const schedule = desiredSchedule(
      parsed({
        timeZone: 'Europe/Berlin',
        effectiveFrom: '2026-07-06T09:00',
        layers: [
          {
            name: 'daily',
            members: [member('ada')],
            rotation: { type: 'daily' },
            handoffTime: '08:30',
            start: '2026-03-30',
          },
        ],
      }),
    );
    expect(schedule.layers[0]).toMatchObject({
      start: '2026-07-06T09:00:00+02:00',
      rotation_virtual_start: '2026-03-30T08:30:00+02:00',
      rotation_turn_length_seconds: 86400,
    });
  });

  it('maps custom rotations from their start, and restrictions to daily or weekly ones', () => {
    const [layer] = desiredSchedule(
      parsed({
        timeZone: 'UTC',
        layers: [
          {
            name: '12-hour shifts',
            members: [member('ken'), member('radia')],
            rotation: { type: 'custom', hours: 12 },
            start: '2026-01-01T08:00',
            restrictions: [
              {
                days: [
                  'monday',
                  'tuesday',
                  'wednesday',
                  'thursday',
                  'friday',
                  'saturday',
                  'sunday',
                ],
                from: '08:00',
                to: '20:00',
              },
              { days: ['saturday'], from: '22:00', to: '22:00' },
            ],
          },
        ],
      }),
    ).layers;
    expect(layer).toEqual({
      name: '12-hour shifts',
      start: '2026-01-01T08:00:00+00:00',
      rotation_virtual_start: '2026-01-01T08:00:00+00:00',
      rotation_turn_length_seconds: 43200,
      userRefs: [member('ken'), member('radia')],
      restrictions: [
        {
          type: 'daily_restriction',
          start_time_of_day: '08:00:00',
          duration_seconds: 12 * 3600,
        },
        {
          type: 'weekly_restriction',
          start_time_of_day: '22:00:00',
          duration_seconds: 24 * 3600,
          start_day_of_week: 6,
        },
      ],
    });
  });
});

describe('importSpec', () => {
  it('reads custom turns as hours, and refuses turns a Schedule cannot say', () => {
    const schedule = {
      id: 'PS',
      time_zone: 'UTC',
      schedule_layers: [
        {
          name: 'shifts',
          start: '2026-01-01T08:00:00Z',
          rotation_virtual_start: '2026-01-01T08:00:00Z',
          rotation_turn_length_seconds: 43200,
          users: [{ user: { id: 'PKEN', type: 'user_reference' } }],
        },
      ],
    };
    expect(importSpec(schedule, undefined, () => member('ken'))).toEqual({
      timeZone: 'UTC',
      layers: [
        {
          name: 'shifts',
          members: [member('ken')],
          rotation: { type: 'custom', hours: 12 },
          start: '2026-01-01T08:00',
        },
      ],
    });
    schedule.schedule_layers[0].rotation_turn_length_seconds = 90;
    expect(() => importSpec(schedule, undefined, () => member('ken'))).toThrow(
      'schedule_layers[0].rotation_turn_length_seconds: 90 is not whole minutes, which a Schedule cannot say',
    );
  });
});
