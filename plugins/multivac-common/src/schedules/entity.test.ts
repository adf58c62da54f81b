import {
  isScheduleEntity,
  parseScheduleEntity,
  scheduleEntityRefOf,
  scheduleIdFromAnnotation,
  scheduleIdOf,
} from './entity';
import { parseScheduleList } from './parseSchedules';

const spec = {
  owner: 'group:default/payments',
  timeZone: 'Europe/Berlin',
  layers: [
    {
      name: 'weekly',
      members: ['user:default/ada.lovelace'],
      rotation: { type: 'weekly', handoffDay: 'monday' },
      start: '2026-01-05',
    },
  ],
};

describe('Schedule entities', () => {
  it('names a schedule by its entity name, with the namespace outside default', () => {
    expect(scheduleIdOf({ name: 'Payments-Primary' })).toBe('payments-primary');
    expect(scheduleIdOf({ name: 'ledger', namespace: 'Finance' })).toBe(
      'finance/ledger',
    );
    expect(scheduleEntityRefOf('finance/ledger')).toBe(
      'schedule:finance/ledger',
    );
    expect(scheduleEntityRefOf('payments-primary')).toBe(
      'schedule:default/payments-primary',
    );
  });

  it('reads an annotation as an id or a Schedule entity ref', () => {
    expect(scheduleIdFromAnnotation('payments-primary')).toBe(
      'payments-primary',
    );
    expect(scheduleIdFromAnnotation('schedule:default/payments-primary')).toBe(
      'payments-primary',
    );
    expect(scheduleIdFromAnnotation('Schedule:finance/Ledger')).toBe(
      'finance/ledger',
    );
    expect(scheduleIdFromAnnotation('schedule:ledger')).toBe('ledger');
  });

  it('knows its kind and apiVersion', () => {
    expect(
      isScheduleEntity({
        apiVersion: 'multivac.io/v1alpha1',
        kind: 'schedule',
      }),
    ).toBe(true);
    expect(
      isScheduleEntity({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Schedule',
      }),
    ).toBe(false);
  });

  it('turns a valid entity into the schedule the engine runs, title as its name', () => {
    const parsed = parseScheduleEntity({
      apiVersion: 'multivac.io/v1alpha1',
      kind: 'Schedule',
      metadata: { name: 'payments-primary', title: 'Payments primary' },
      spec: { ...spec, effectiveFrom: '2026-03-16T09:00' },
    });
    expect(parsed).toEqual({
      ok: true,
      value: {
        owner: 'group:default/payments',
        effectiveFrom: '2026-03-16T09:00',
        definition: {
          id: 'payments-primary',
          name: 'Payments primary',
          timeZone: 'Europe/Berlin',
          layers: [{ ...spec.layers[0], handoffTime: '09:00' }],
        },
      },
    });
  });

  it('gives an entity and a config schedule the same message for the same mistake', () => {
    const layers = [{ ...spec.layers[0], handoffTime: '9am' }];
    const entity = parseScheduleEntity({
      apiVersion: 'multivac.io/v1alpha1',
      kind: 'Schedule',
      metadata: { name: 'payments-primary' },
      spec: { ...spec, layers },
    });
    const config = parseScheduleList(
      [{ id: 'payments-primary', timeZone: spec.timeZone, layers }],
      'multivac.onCall.schedules',
    );
    expect(entity).toEqual({
      ok: false,
      problems: ['spec.layers[0].handoffTime: must be HH:mm'],
    });
    expect(config).toEqual({
      ok: false,
      problems: [
        'multivac.onCall.schedules[payments-primary].layers[0].handoffTime: must be HH:mm',
      ],
    });
  });
});
