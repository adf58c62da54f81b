import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { parseSchedules } from './parseScheduleConfig';

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';

const configWith = (schedules: unknown) =>
  new ConfigReader({ multivac: { onCall: { schedules } } } as any);

function validSchedule(): any {
  return {
    id: 'payments-primary',
    name: 'Payments primary',
    timeZone: 'Europe/Berlin',
    layers: [
      {
        name: 'primary',
        members: [ada, grace],
        rotation: { type: 'weekly', handoffDay: 'monday' },
        handoffTime: '10:30',
        start: '2026-03-02',
        restrictions: [
          { days: ['monday', 'friday'], from: '09:00', to: '17:00' },
        ],
      },
      {
        name: 'follow-the-sun',
        members: [grace],
        rotation: { type: 'custom', hours: 12 },
        start: '2026-03-02T06:00',
      },
    ],
    overrides: [
      {
        userRef: ada,
        start: '2026-03-03T09:00+01:00',
        end: '2026-03-03T17:00+01:00',
      },
    ],
    escalation: [
      { timeoutMinutes: 5, targets: [{ type: 'schedule' }] },
      {
        timeoutMinutes: 15,
        targets: [{ type: 'schedule' }, { type: 'user', userRef: ada }],
      },
    ],
  };
}

describe('parseSchedules', () => {
  it('parses a valid schedule, defaulting the hand-off time', () => {
    expect(parseSchedules(configWith([validSchedule()]))).toEqual([
      {
        ...validSchedule(),
        layers: [
          validSchedule().layers[0],
          { ...validSchedule().layers[1], handoffTime: '09:00' },
        ],
      },
    ]);
  });

  it('names a schedule after its id when it has no name', () => {
    const { name: _name, ...unnamed } = validSchedule();
    expect(parseSchedules(configWith([unnamed]))[0].name).toBe(
      'payments-primary',
    );
  });

  it('returns no schedules when the key is missing', () => {
    expect(parseSchedules(new ConfigReader({}))).toEqual([]);
    expect(parseSchedules(new ConfigReader({ multivac: {} }))).toEqual([]);
  });

  it.each<[string, (schedule: any) => void, string]>([
    [
      'a malformed hand-off time',
      s => {
        s.layers[0].handoffTime = '9am';
      },
      'layers[0].handoffTime: must be HH:mm',
    ],
    [
      'an unknown time zone',
      s => {
        s.timeZone = 'Mars/Olympus_Mons';
      },
      'timeZone: must be an IANA time zone',
    ],
    [
      'a layer without members',
      s => {
        s.layers[1].members = [];
      },
      'layers[1].members: must not be empty',
    ],
    [
      'a custom rotation without a positive length',
      s => {
        s.layers[1].rotation.hours = 0;
      },
      'layers[1].rotation.hours: must be positive',
    ],
    [
      'a malformed start',
      s => {
        s.layers[0].start = 'next monday';
      },
      'layers[0].start: must be an ISO date or date-time',
    ],
    [
      'a malformed restriction time',
      s => {
        s.layers[0].restrictions[0].to = '24:00';
      },
      'layers[0].restrictions[0].to: must be HH:mm',
    ],
    [
      'an override ending before it starts',
      s => {
        s.overrides[0].end = '2026-03-03T08:00+01:00';
      },
      'overrides[0].end: must be after start',
    ],
    [
      'an empty escalation',
      s => {
        s.escalation = [];
      },
      'escalation: must not be empty',
    ],
    [
      'an escalation level without targets',
      s => {
        s.escalation[1].targets = [];
      },
      'escalation[1].targets: must not be empty',
    ],
    [
      'a non-positive escalation timeout',
      s => {
        s.escalation[0].timeoutMinutes = -5;
      },
      'escalation[0].timeoutMinutes: must be positive',
    ],
  ])('rejects %s, naming the schedule and field', (_, breakIt, field) => {
    const schedule = validSchedule();
    breakIt(schedule);
    const parse = () => parseSchedules(configWith([schedule]));
    expect(parse).toThrow(InputError);
    expect(parse).toThrow(
      `multivac.onCall.schedules[payments-primary].${field}`,
    );
  });

  it('rejects duplicate ids', () => {
    const parse = () =>
      parseSchedules(
        configWith([
          validSchedule(),
          { ...validSchedule(), name: 'Payments again' },
        ]),
      );
    expect(parse).toThrow(InputError);
    expect(parse).toThrow(
      'multivac.onCall.schedules[payments-primary].id: must be unique',
    );
  });

  it('names a schedule without an id by its position', () => {
    const { id: _id, ...anonymous } = validSchedule();
    expect(() =>
      parseSchedules(configWith([validSchedule(), anonymous])),
    ).toThrow('multivac.onCall.schedules[1].id: Required');
  });

  it('rejects schedules that are not a list', () => {
    expect(() =>
      parseSchedules(configWith({ id: 'payments-primary' })),
    ).toThrow('multivac.onCall.schedules: Expected array, received object');
  });
});
