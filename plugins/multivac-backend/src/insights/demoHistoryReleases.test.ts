import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { DatabaseChangeFailureStore } from './ChangeFailureStore';
import { DEMO_ACTOR, seedDemoHistory } from './demoHistory';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const NOW = new Date('2026-12-04T12:00:00Z');
const period = { from: new Date(NOW.getTime() - 90 * 86_400_000), to: NOW };

describe.each(databases.eachSupportedId())(
  'demo history releases on %s',
  id => {
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(id);
      await migrateDatabase(knex);
    });

    it('writes labelled production releases, a few of them failed', async () => {
      await seedDemoHistory(knex, NOW);
      const releases = await knex('multivac_releases').select(
        'title',
        'created_by',
        'status',
        'end_at',
      );
      expect(releases.length).toBeGreaterThan(150);
      expect(
        releases.every(
          r => r.title.startsWith('Demo: ') && r.created_by === DEMO_ACTOR,
        ),
      ).toBe(true);
      expect(releases.every(r => new Date(r.end_at) <= NOW)).toBe(true);
      const rolledBack = releases.filter(r => r.status === 'rolled_back');
      expect(rolledBack.length).toBeGreaterThan(2);
      expect(rolledBack.length).toBeLessThan(releases.length / 10);
      // The next booking is numbered after them.
      const counter = await knex('multivac_counters')
        .where({ name: 'release_number' })
        .first();
      expect(Number(counter.value)).toBe(releases.length);

      const store = new DatabaseChangeFailureStore(knex);
      const released = await store.releasedEntities(
        period.from,
        period.to,
        'production',
      );
      expect(released).toHaveLength(9);
      const rows = await store.changeFailure({
        ...period,
        environment: 'production',
        windowSeconds: 24 * 3600,
        affected: new Map(released.map(ref => [ref, [ref]])),
      });
      const failed = rows.reduce((sum, r) => sum + r.failed, 0);
      const total = rows.reduce((sum, r) => sum + r.releases, 0);
      expect(total).toBe(releases.length);
      // Rollbacks and incidents on the released service alone: a few.
      expect(failed).toBeGreaterThan(rolledBack.length);
      expect(failed / total).toBeLessThan(0.3);
      expect(rows.flatMap(r => r.failedReleases).some(r => r.incident)).toBe(
        true,
      );
    });

    it('is the same every time and leaves a calendar with releases alone', async () => {
      await seedDemoHistory(knex, NOW);
      const first = await knex('multivac_releases')
        .orderBy('number')
        .select('number', 'entity_ref', 'start_at', 'status');
      const other = await databases.init(id);
      await migrateDatabase(other);
      await seedDemoHistory(other, NOW);
      expect(
        await other('multivac_releases')
          .orderBy('number')
          .select('number', 'entity_ref', 'start_at', 'status'),
      ).toEqual(first);

      const booked = await databases.init(id);
      await migrateDatabase(booked);
      await booked('multivac_releases').insert({
        id: 'mine',
        number: 1,
        entity_ref: 'component:default/cart-service',
        title: 'A real release',
        environment: 'production',
        start_at: NOW.toISOString(),
        end_at: NOW.toISOString(),
        status: 'planned',
        owner_ref: 'group:default/storefront',
        links: '[]',
        notes: '',
        created_by: 'user:default/ada.lovelace',
        created_at: NOW.toISOString(),
        updated_at: NOW.toISOString(),
        status_history: '[]',
      });
      await seedDemoHistory(booked, NOW);
      expect(await booked('multivac_releases').pluck('id')).toEqual(['mine']);
    });
  },
);
