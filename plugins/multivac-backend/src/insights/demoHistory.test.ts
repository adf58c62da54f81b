import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import { DateTime } from 'luxon';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { onCallAt, ScheduleDefinition } from '../oncall/schedule';
import { DatabaseInsightsStore } from './DatabaseInsightsStore';
import { DEMO_ACTOR, demoHistoryEnabled, seedDemoHistory } from './demoHistory';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const NOW = new Date('2026-12-04T12:00:00Z');

/** The demo's Payments schedule: a daily turn of its three people. */
const PAYMENTS: ScheduleDefinition = {
  id: 'payments-primary',
  name: 'Payments primary',
  timeZone: 'Europe/Berlin',
  layers: [
    {
      name: 'daily',
      members: [
        'user:default/ada.lovelace',
        'user:default/grace.hopper',
        'user:default/alan.turing',
      ],
      rotation: { type: 'daily' },
      handoffTime: '09:00',
      start: '2026-01-01',
    },
  ],
};

const DISPLAY_NAMES: Record<string, string> = {
  'user:default/ada.lovelace': 'Ada Lovelace',
  'user:default/grace.hopper': 'Grace Hopper',
  'user:default/alan.turing': 'Alan Turing',
};

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

  it("pages the schedule's on-call person by name, so the Recent pages name them", async () => {
    await seedDemoHistory(knex, NOW, [PAYMENTS]);
    const pages = await knex('multivac_pages')
      .whereIn('entity_ref', [
        'component:default/payments-api',
        'component:default/ledger-service',
        'component:default/fraud-detector',
      ])
      .select('created_at', 'level', 'targets', 'acknowledged_by');
    const firstLevel = pages.filter(p => Number(p.level) === 1);
    expect(firstLevel.length).toBeGreaterThan(10);
    for (const page of firstLevel) {
      const at = DateTime.fromJSDate(new Date(page.created_at));
      const onCall = onCallAt(PAYMENTS, at)!.userRef;
      const targets = JSON.parse(page.targets);
      expect(targets).toEqual([
        {
          userRef: onCall,
          name: DISPLAY_NAMES[onCall],
          email: `${onCall.slice('user:default/'.length)}@nimbus.example`,
        },
      ]);
      expect(page.acknowledged_by).toBe(onCall);
    }
    // every page, of every team, names whom it reached
    for (const page of await knex('multivac_pages').select('targets')) {
      const [target] = JSON.parse(page.targets);
      expect(target.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect(target.userRef).toMatch(/^user:default\/[a-z]+\.[a-z]+$/);
    }
  });

  it('is the same history every time, and never touches a used database', async () => {
    const written = await seedDemoHistory(knex, NOW);
    const first = await knex('multivac_incidents')
      .orderBy('number')
      .select('title', 'severity', 'created_at');
    const firstTargets = await knex('multivac_pages')
      .orderBy('created_at')
      .pluck('targets');
    expect(await seedDemoHistory(knex, NOW)).toBe(0);

    const other = await databases.init(id);
    await migrateDatabase(other);
    expect(await seedDemoHistory(other, NOW)).toBe(written);
    expect(
      await other('multivac_incidents')
        .orderBy('number')
        .select('title', 'severity', 'created_at'),
    ).toEqual(first);
    expect(
      await other('multivac_pages').orderBy('created_at').pluck('targets'),
    ).toEqual(firstTargets);
  });
});
