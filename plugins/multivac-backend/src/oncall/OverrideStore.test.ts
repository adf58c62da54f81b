import { Knex } from 'knex';
import { DateTime } from 'luxon';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { DatabaseOverrideStore } from './OverrideStore';
import { OverriddenScheduleRegistry } from './OverriddenScheduleRegistry';
import { onCallAt, ScheduleDefinition } from './schedule';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const alan = 'user:default/alan.turing';

const weekly: ScheduleDefinition = {
  id: 'payments-primary',
  name: 'Payments primary',
  timeZone: 'Europe/Berlin',
  layers: [
    {
      name: 'weekly',
      members: [ada, alan],
      rotation: { type: 'weekly', handoffDay: 'monday' },
      handoffTime: '09:00',
      start: '2026-11-02',
    },
  ],
};
const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Berlin' });
const NOW = at('2026-12-07T12:00');

describe.each(databases.eachSupportedId())(
  'DatabaseOverrideStore on %s',
  id => {
    let knex: Knex;
    let store: DatabaseOverrideStore;

    beforeEach(async () => {
      knex = await databases.init(id);
      await migrateDatabase(knex);
      await knex('multivac_oncall_overrides').delete();
      store = new DatabaseOverrideStore(knex);
    });

    it('stores, lists what has not ended and cancels', async () => {
      const made = await store.create(
        {
          scheduleId: 'payments-primary',
          userRef: grace,
          start: '2026-12-07T18:00:00+01:00',
          end: '2026-12-08T09:00:00+01:00',
          createdBy: ada,
          reason: 'Ada has a concert',
        },
        NOW.toJSDate(),
      );
      expect(made).toMatchObject({
        scheduleId: 'payments-primary',
        userRef: grace,
        start: '2026-12-07T17:00:00.000Z',
        end: '2026-12-08T08:00:00.000Z',
        createdBy: ada,
        reason: 'Ada has a concert',
        createdAt: NOW.toUTC().toISO(),
      });
      await store.create(
        {
          scheduleId: 'other',
          userRef: alan,
          start: '2026-12-07T18:00:00+01:00',
          end: '2026-12-08T09:00:00+01:00',
          createdBy: ada,
        },
        NOW.toJSDate(),
      );
      expect(await store.get(made.id)).toEqual(made);
      const listed = await store.listActive({
        scheduleId: 'payments-primary',
        after: NOW.toJSDate(),
      });
      expect(listed.map(o => o.id)).toEqual([made.id]);
      // Ended by then: not listed.
      expect(
        await store.listActive({
          scheduleId: 'payments-primary',
          after: at('2026-12-08T09:00').toJSDate(),
        }),
      ).toEqual([]);
      expect(await store.listActive({ after: NOW.toJSDate() })).toHaveLength(2);

      expect(await store.cancel(made.id, grace, NOW.toJSDate())).toBe(true);
      expect(await store.cancel(made.id, grace, NOW.toJSDate())).toBe(false);
      expect(await store.get(made.id)).toMatchObject({
        cancelledBy: grace,
        cancelledAt: NOW.toUTC().toISO(),
      });
      expect(
        await store.listActive({
          scheduleId: 'payments-primary',
          after: NOW.toJSDate(),
        }),
      ).toEqual([]);
    });

    it('is applied over whichever version of the schedule is effective', async () => {
      // A schedule with history: Ada/Alan weekly, then from 2026-12-07 09:00
      // a new file with Alan/Ada daily. The override covers both versions.
      const versioned: ScheduleDefinition = {
        ...weekly,
        versions: [
          { until: '2026-12-07T08:00:00Z', schedule: weekly },
          {
            from: '2026-12-07T08:00:00Z',
            schedule: {
              ...weekly,
              layers: [
                {
                  ...weekly.layers[0],
                  rotation: { type: 'daily' },
                  members: [alan],
                },
              ],
            },
          },
        ],
      };
      const registry = new OverriddenScheduleRegistry({
        config: [versioned],
        overrides: store,
        now: () => NOW,
      });
      const who = async (iso: string) =>
        onCallAt((await registry.find('payments-primary'))!, at(iso))?.userRef;
      // Week of 2026-11-30: Ada's turn in the old version.
      expect(await who('2026-12-06T20:00')).toBe(ada);
      expect(await who('2026-12-07T20:00')).toBe(alan);

      const made = await store.create(
        {
          scheduleId: 'payments-primary',
          userRef: grace,
          start: '2026-12-06T18:00:00+01:00',
          end: '2026-12-07T21:00:00+01:00',
          createdBy: ada,
        },
        NOW.toJSDate(),
      );
      registry.invalidate();
      expect(await who('2026-12-06T20:00')).toBe(grace);
      expect(await who('2026-12-07T20:00')).toBe(grace);
      expect(await who('2026-12-07T21:00')).toBe(alan);
      // The last read serves callers that cannot wait.
      expect(
        onCallAt(
          registry.snapshot().get('payments-primary')!,
          at('2026-12-07T20:00'),
        )?.userRef,
      ).toBe(grace);

      await store.cancel(made.id, ada, NOW.toJSDate());
      registry.invalidate();
      expect(await who('2026-12-07T20:00')).toBe(alan);
    });
  },
);
