import { DateTime } from 'luxon';
import { finalShifts, onCallAt, escalationChain } from './ScheduleEngine';
import {
  effectiveFromOfNewVersion,
  scheduleWithHistory,
  SeenScheduleVersion,
} from './ScheduleHistory';
import { ScheduleDefinition } from './types';

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const alan = 'user:default/alan.turing';
const ken = 'user:default/ken.thompson';

/** Weekly, Monday 09:00 Berlin, Ada then Grace then Alan from 5 January 2026. */
const weekly: ScheduleDefinition = {
  id: 'payments-primary',
  name: 'Payments primary',
  timeZone: 'Europe/Berlin',
  layers: [
    {
      name: 'weekly',
      members: [ada, grace, alan],
      rotation: { type: 'weekly', handoffDay: 'monday' },
      handoffTime: '09:00',
      start: '2026-01-05',
    },
  ],
};

/** The same team on daily hand-offs at 10:00, Alan first. */
const daily: ScheduleDefinition = {
  ...weekly,
  layers: [
    {
      name: 'daily',
      members: [alan, ada],
      rotation: { type: 'daily' },
      handoffTime: '10:00',
      start: '2026-01-01',
    },
  ],
  escalation: [
    { timeoutMinutes: 5, targets: [{ type: 'schedule' }] },
    { timeoutMinutes: 10, targets: [{ type: 'user', userRef: ken }] },
  ],
};

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Berlin' });
const brief = (shifts: ReturnType<typeof finalShifts>) =>
  shifts.map(s => [s.userRef, s.start.toISO(), s.end.toISO()]);

describe('schedule history', () => {
  // Wednesday 11 March 2026, 12:00 Berlin: Ada's week (9 March 09:00 to 16 March 09:00).
  const now = at('2026-03-11T12:00');
  const lastMonth = [at('2026-02-01T00:00'), now] as const;

  it('keeps one version applying since always as it stands', () => {
    expect(
      scheduleWithHistory([
        { definition: weekly, seenAt: '2026-01-01T00:00:00Z' },
      ]),
    ).toEqual(weekly);
  });

  it('a rotation changed with effectiveFrom next week leaves every past shift unchanged', () => {
    const before = finalShifts(weekly, ...lastMonth);
    const effectiveFrom = effectiveFromOfNewVersion({
      current: weekly,
      effectiveFrom: '2026-03-16T09:00:00+01:00',
      now,
    });
    const history = scheduleWithHistory([
      { definition: weekly, seenAt: '2026-01-01T00:00:00Z' },
      { definition: daily, effectiveFrom, seenAt: now.toISO()! },
    ])!;

    // Every shift up to now, and the rest of the current week, as before.
    expect(brief(finalShifts(history, ...lastMonth))).toEqual(brief(before));
    expect(onCallAt(history, now)?.userRef).toBe(ada);
    expect(brief(finalShifts(history, now, at('2026-03-16T09:00')))).toEqual(
      brief(finalShifts(weekly, now, at('2026-03-16T09:00'))),
    );
    // From Monday 16 March 09:00 the daily rotation, with its escalation.
    const monday = at('2026-03-16T09:00');
    expect(onCallAt(history, monday)?.userRef).toBe(
      onCallAt(daily, monday)?.userRef,
    );
    expect(
      brief(finalShifts(history, monday, monday.plus({ days: 3 }))),
    ).toEqual(brief(finalShifts(daily, monday, monday.plus({ days: 3 }))));
    expect(escalationChain(history, now).map(l => l.timeoutMinutes)).toEqual([
      15,
    ]);
    expect(
      escalationChain(history, monday.plus({ hours: 2 })).map(
        l => l.timeoutMinutes,
      ),
    ).toEqual([5, 10]);
  });

  it('applies a version without effectiveFrom from the next hand-off', () => {
    const effectiveFrom = effectiveFromOfNewVersion({ current: weekly, now });
    expect(DateTime.fromISO(effectiveFrom!).toMillis()).toBe(
      at('2026-03-16T09:00').toMillis(),
    );
  });

  it('never applies a later version before it was seen, whatever its effectiveFrom says', () => {
    const effectiveFrom = effectiveFromOfNewVersion({
      current: weekly,
      effectiveFrom: '2026-01-01',
      now,
    });
    expect(DateTime.fromISO(effectiveFrom!).toMillis()).toBe(now.toMillis());
    const history = scheduleWithHistory([
      { definition: weekly, seenAt: '2026-01-01T00:00:00Z' },
      { definition: daily, effectiveFrom, seenAt: now.toISO()! },
    ])!;
    expect(brief(finalShifts(history, ...lastMonth))).toEqual(
      brief(finalShifts(weekly, ...lastMonth)),
    );
  });

  it('drops a version that was still pending when a newer one came', () => {
    const versions: SeenScheduleVersion[] = [
      { definition: weekly, seenAt: '2026-01-01T00:00:00Z' },
      // Daily from 16 March, then reverted to weekly on 12 March.
      {
        definition: daily,
        effectiveFrom: '2026-03-16T08:00:00.000Z',
        seenAt: now.toUTC().toISO()!,
      },
      {
        definition: { ...weekly, name: 'Payments (reverted)' },
        effectiveFrom: '2026-03-16T08:00:00.000Z',
        seenAt: '2026-03-12T08:00:00.000Z',
      },
    ];
    const history = scheduleWithHistory(versions)!;
    expect(
      history.versions?.map(v => [v.from, v.until, v.schedule.name]),
    ).toEqual([
      [undefined, '2026-03-16T08:00:00.000Z', 'Payments primary'],
      ['2026-03-16T08:00:00.000Z', undefined, 'Payments (reverted)'],
    ]);
    const month = [now, now.plus({ weeks: 4 })] as const;
    expect(brief(finalShifts(history, ...month))).toEqual(
      brief(finalShifts(weekly, ...month)),
    );
  });

  it('has nobody on call before a first version that starts later', () => {
    const history = scheduleWithHistory([
      {
        definition: weekly,
        effectiveFrom: '2026-03-16T08:00:00.000Z',
        seenAt: now.toUTC().toISO()!,
      },
    ])!;
    expect(onCallAt(history, now)).toBeUndefined();
    expect(onCallAt(history, at('2026-03-16T10:00'))?.userRef).toBe(grace);
  });
});
