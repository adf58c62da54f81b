/**
 * On-call load (GET /insights/oncall-load) on PostgreSQL at company scale:
 * 1,600 people in four time zones with 1,000,000 notifications over a
 * year, and 200 built-in schedules of 8 people each (weekly turns). Prints
 * p50/p95 for one team's schedule and for all schedules, over 90 days.
 * Needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (a server it
 * may create and drop a database on). Run:
 * node --require @backstage/cli/config/nodeTransform.cjs bench/oncall-load.ts
 */
import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import knexFactory, { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { migrateDatabase } from '../plugins/multivac-backend/src/database/migrations';
import { OnCallLoadService } from '../plugins/multivac-backend/src/insights/OnCallLoadService';
import { OnCallLoadStore } from '../plugins/multivac-backend/src/insights/OnCallLoadStore';
import { ScheduleDefinition } from '../plugins/multivac-backend/src/oncall/schedule';
import { percentile } from './lib/stats';

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
// BENCH_TEAMS and BENCH_NOTIFICATIONS scale it down at the same density
// (625 notifications per person and year), e.g. 20 and 100000.
const TEAMS = Number(process.env.BENCH_TEAMS ?? 200);
const PEOPLE_PER_TEAM = 8;
const NOTIFICATIONS = Number(process.env.BENCH_NOTIFICATIONS ?? 1_000_000);
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC'];
const END = new Date('2026-12-01T00:00:00Z');
const DAY_MS = 86_400_000;

function connect(url: URL, database: string): Knex {
  const target = new URL(url);
  target.pathname = `/${database}`;
  return knexFactory({ client: 'pg', connection: target.toString() });
}

const person = (n: number) => `user:default/p-${n}`;

const schedules: ScheduleDefinition[] = Array.from(
  { length: TEAMS },
  (_, team) => ({
    id: `team-${team}`,
    name: `Team ${team}`,
    timeZone: ZONES[team % ZONES.length],
    layers: [
      {
        name: 'weekly',
        members: Array.from({ length: PEOPLE_PER_TEAM }, (__, i) =>
          person(team * PEOPLE_PER_TEAM + i),
        ),
        rotation: { type: 'weekly', handoffDay: 'monday' },
        handoffTime: '09:00',
        start: '2025-01-06',
      },
    ],
  }),
);

// Names are looked up once per request; an empty catalog keeps the refs.
const catalog = {
  getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => ({
    items: entityRefs.map(() => undefined),
  }),
  getEntities: async () => ({ items: [] }),
} as unknown as CatalogService;
const auth = {
  getOwnServiceCredentials: async () => ({}),
} as unknown as AuthService;

async function time(runs: number, fn: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return {
    p50: Math.round(percentile(times, 50)),
    p95: Math.round(percentile(times, 95)),
  };
}

async function main() {
  const connection = process.env[POSTGRES_ENV];
  if (!connection) {
    throw new Error(`Set ${POSTGRES_ENV}`);
  }
  const url = new URL(connection);
  const database = `multivac_bench_oncall_${process.pid}`;
  const admin = connect(url, 'postgres');
  await admin.raw(`CREATE DATABASE ${database}`);
  const knex = connect(url, database);
  try {
    await migrateDatabase(knex);
    const yearStart = new Date(END.getTime() - 365 * DAY_MS).toISOString();
    const people = TEAMS * PEOPLE_PER_TEAM;
    // Every person's zone is fixed; bands are not read by on-call load.
    await knex.raw(
      `INSERT INTO multivac_notifications (user_ref, notified_at, source,
         page_id, level, incident_id, entity_ref, time_zone, local_weekday,
         local_hour, band)
       SELECT 'user:default/p-' || (n % ?), at, 'page', 'n-' || n, 1,
         CASE WHEN n % 3 = 0 THEN NULL ELSE 'inc-' || (n / 3) END,
         'component:default/svc', (ARRAY[?, ?, ?, ?])[1 + (n % ?) / ? % 4],
         1, 0, 'sleep'
       FROM (SELECT n, ?::timestamptz + (n * CAST(? AS float8)) * interval '1 second' AS at
             FROM generate_series(1, ?) n) s`,
      [
        people,
        ...ZONES,
        people,
        PEOPLE_PER_TEAM,
        yearStart,
        (365 * 86_400) / NOTIFICATIONS,
        NOTIFICATIONS,
      ],
    );
    await knex.raw('ANALYZE multivac_notifications');
    const period = {
      current: { from: new Date(END.getTime() - 90 * DAY_MS), to: END },
      previous: { from: new Date(END.getTime() - 180 * DAY_MS), to: END },
      bucketSeconds: 7 * 86_400,
    };
    const store = new OnCallLoadStore(knex);
    const oneTeam = new OnCallLoadService({
      store,
      schedules: [schedules[7 % TEAMS]],
      catalog,
      auth,
    });
    const company = new OnCallLoadService({ store, schedules, catalog, auth });
    const sample = await oneTeam.load(period);
    if (sample.schedules[0].interruptions === 0) {
      throw new Error('The team has no interruptions: nothing was measured');
    }
    const team = await time(20, () => oneTeam.load(period));
    const all = await time(5, () => company.load(period));
    const sum = (await company.load(period)).schedules.reduce(
      (n, s) => n + s.interruptions,
      0,
    );
    // eslint-disable-next-line no-console
    console.log(
      JSON.stringify(
        {
          notifications: NOTIFICATIONS,
          schedules: TEAMS,
          oneTeam90d: {
            ...team,
            interruptions: sample.schedules[0].interruptions,
          },
          company90d: { ...all, interruptions: sum },
        },
        null,
        2,
      ),
    );
  } finally {
    await knex.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${database}`);
    await admin.destroy();
  }
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exitCode = 1;
});
