import { Knex } from 'knex';
import { DateTime } from 'luxon';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { finalShifts, onCallAt, ScheduleDefinition } from './schedule';
import { DatabaseScheduleVersionStore } from './ScheduleVersionStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const alan = 'user:default/alan.turing';
const entityRef = 'schedule:default/payments-primary';

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
const daily: ScheduleDefinition = {
  ...weekly,
  layers: [
    {
      name: 'daily',
      members: [alan, grace],
      rotation: { type: 'daily' },
      handoffTime: '09:00',
      start: '2026-01-01',
    },
  ],
};

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Berlin' });
const brief = (schedule: ScheduleDefinition, from: DateTime, to: DateTime) =>
  finalShifts(schedule, from, to).map(s => [
    s.userRef,
    s.start.toMillis(),
    s.end.toMillis(),
  ]);

describe.each(databases.eachSupportedId())(
  'DatabaseScheduleVersionStore on %s',
  id => {
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(id);
      await migrateDatabase(knex);
    });

    beforeEach(async () => {
      await knex('multivac_schedule_versions').delete();
    });

    it('keeps the first version since always and records an unchanged one once', async () => {
      const store = new DatabaseScheduleVersionStore(knex);
      const now = at('2026-03-11T12:00');
      expect(
        await store.observe({ entityRef, definition: weekly }, now),
      ).toEqual(weekly);
      // A second store (another replica, or after a restart) sees the same.
      const again = new DatabaseScheduleVersionStore(knex);
      expect(
        await again.observe(
          { entityRef, definition: { ...weekly } },
          now.plus({ hours: 1 }),
        ),
      ).toEqual(weekly);
      expect(await store.versions('payments-primary')).toEqual([
        { definition: weekly, seenAt: '2026-03-11T11:00:00.000Z' },
      ]);
    });

    it('keeps last week as it was when the rotation changes from next week', async () => {
      const store = new DatabaseScheduleVersionStore(knex);
      const firstSeen = at('2026-01-01T00:00');
      const now = at('2026-03-11T12:00');
      await store.observe({ entityRef, definition: weekly }, firstSeen);
      const history = await store.observe(
        {
          entityRef,
          definition: daily,
          effectiveFrom: '2026-03-16T09:00:00+01:00',
        },
        now,
      );

      const past = [at('2026-02-01T00:00'), now] as const;
      expect(brief(history, ...past)).toEqual(brief(weekly, ...past));
      expect(onCallAt(history, now)?.userRef).toBe(ada);
      expect(onCallAt(history, at('2026-03-17T12:00'))?.userRef).toBe(
        onCallAt(daily, at('2026-03-17T12:00'))?.userRef,
      );

      // Read back by a fresh store: the same history.
      const versions = await new DatabaseScheduleVersionStore(knex).versions(
        'payments-primary',
      );
      expect(versions).toEqual([
        { definition: weekly, seenAt: '2025-12-31T23:00:00.000Z' },
        {
          definition: daily,
          effectiveFrom: '2026-03-16T08:00:00.000Z',
          seenAt: '2026-03-11T11:00:00.000Z',
        },
      ]);
    });

    it('applies a change without effectiveFrom from the next hand-off', async () => {
      const store = new DatabaseScheduleVersionStore(knex);
      await store.observe(
        { entityRef, definition: weekly },
        at('2026-01-01T00:00'),
      );
      const history = await store.observe(
        { entityRef, definition: daily },
        at('2026-03-11T12:00'),
      );
      expect(history.versions?.map(v => [v.from, v.until])).toEqual([
        [undefined, '2026-03-16T08:00:00.000Z'],
        ['2026-03-16T08:00:00.000Z', undefined],
      ]);
    });
  },
);
