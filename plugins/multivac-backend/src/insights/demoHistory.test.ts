import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { DatabaseInsightsStore } from './DatabaseInsightsStore';
import { DEMO_ACTOR, demoHistoryEnabled, seedDemoHistory } from './demoHistory';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const NOW = new Date('2026-12-04T12:00:00Z');

describe('demoHistoryEnabled', () => {
  const config = new ConfigReader({ multivac: { demo: { history: true } } });

  it('follows multivac.demo.history outside production', () => {
    const logger = mockServices.logger.mock();
    expect(demoHistoryEnabled(config, logger, 'development')).toBe(true);
    expect(
      demoHistoryEnabled(new ConfigReader({}), logger, 'development'),
    ).toBe(false);
  });

  it('is refused in production, saying so', () => {
    const logger = mockServices.logger.mock();
    expect(demoHistoryEnabled(config, logger, 'production')).toBe(false);
    expect(logger.warn).toHaveBeenCalledWith(
      'multivac.demo.history is ignored in production (NODE_ENV=production): no demo data is written',
    );
  });
});

describe.each(databases.eachSupportedId())('seedDemoHistory on %s', id => {
  let knex: Knex;

  beforeEach(async () => {
    knex = await databases.init(id);
    await migrateDatabase(knex);
  });

  it('fills an empty database with 90 labelled days that the insights see', async () => {
    const written = await seedDemoHistory(knex, NOW);
    expect(written).toBeGreaterThan(60);
    const titles = await knex('multivac_incidents').pluck('title');
    expect(titles.every((t: string) => t.startsWith('Demo: '))).toBe(true);
    expect(
      await knex('multivac_incidents')
        .whereNot({ created_by: DEMO_ACTOR })
        .count({ n: '*' }),
    ).toEqual([{ n: id === 'POSTGRES_15' ? '0' : 0 }]);
    // Numbering goes on after the history.
    expect(
      Number(
        (
          await knex('multivac_counters')
            .where({ name: 'incident_number' })
            .first()
        ).value,
      ),
    ).toBe(written);

    const store = new DatabaseInsightsStore(knex);
    const period = {
      from: new Date(NOW.getTime() - 90 * 86_400_000),
      to: NOW,
    };
    const [all] = await store.incidentMetrics(period, { by: 'all' });
    expect(all.count).toBe(written);
    expect(all.mtta.mean).toBeGreaterThan(60);
    expect(all.mttr.mean).toBeGreaterThan(600);
    expect(all.mobilise.n).toBeGreaterThan(5);
    const [interruptions] = await store.interruptions(period, 'all');
    expect(interruptions.total).toBeGreaterThan(written);
    for (const band of ['business', 'evening', 'sleep', 'weekend'] as const) {
      expect(interruptions[band]).toBeGreaterThan(0);
    }
    const heatmap = await store.interruptionHeatmap(period);
    expect(heatmap.length).toBeGreaterThan(40);
  });

  it('is the same history every time, and never touches a used database', async () => {
    const written = await seedDemoHistory(knex, NOW);
    const first = await knex('multivac_incidents')
      .orderBy('number')
      .select('title', 'severity', 'created_at');
    expect(await seedDemoHistory(knex, NOW)).toBe(0);

    const other = await databases.init(id);
    await migrateDatabase(other);
    expect(await seedDemoHistory(other, NOW)).toBe(written);
    expect(
      await other('multivac_incidents')
        .orderBy('number')
        .select('title', 'severity', 'created_at'),
    ).toEqual(first);
  });
});
