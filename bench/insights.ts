/**
 * The insights page's queries on PostgreSQL at company scale: 200 teams
 * (600 services), 100,000 incidents with their pages and roles and
 * 1,000,000 notifications over a year, generated in the database with
 * generate_series. Then, for 90 days (the page's period) and the period
 * before, everything `/multivac/insights` asks the store for, for the whole
 * company and for one team: the figures, by team/service/severity, the daily
 * trend, interruptions by band and person, the heatmap, and the check for
 * owners to refresh that each of the page's two requests makes. Then the
 * insights-store part of a team's report card (its interruptions, its
 * figures and severities, every team's figures for the company median).
 * Prints p50/p95 of each set over repeated runs. Needs
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (a server it may
 * create and drop a database on).
 */
import knexFactory, { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { migrateDatabase } from '../plugins/multivac-backend/src/database/migrations';
import { DatabaseInsightsStore } from '../plugins/multivac-backend/src/insights/DatabaseInsightsStore';
import {
  IncidentGrouping,
  InsightsFilter,
} from '../plugins/multivac-backend/src/insights/InsightsStore';
import { ScheduleDefinition } from '../plugins/multivac-backend/src/oncall/schedule';
import { percentile } from './lib/stats';

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
export const TEAMS = 200;
const SERVICES_PER_TEAM = 3;
export const PEOPLE_PER_TEAM = 8;
const PEOPLE = TEAMS * PEOPLE_PER_TEAM;
const INCIDENTS = 100_000;
const NOTIFICATIONS = 1_000_000;
const RELEASES = 20_000;
export const RUNS = 20;
export const BUDGET_P95_MS = 500;
/** The teams' (and their people's) time zones, in turn. */
export const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Tokyo',
  'UTC',
] as const;
/** The generated year ends here. */
const END = new Date('2026-12-01T00:00:00Z');
/**
 * The periods end here, off the hour as a page opened at any moment is (the
 * store reads the partial first and last hours from the notifications).
 */
export const PERIOD_END = new Date(END.getTime() - 1_043_000);
export const DAY_MS = 86_400_000;

/**
 * The built-in schedule of each team that the notifications follow: its 8
 * people (p-8t … p-8t+7) in weekly turns, handing off on Mondays at 09:00
 * in the team's zone.
 */
export const ONCALL_SCHEDULES: ScheduleDefinition[] = Array.from(
  { length: TEAMS },
  (_, team) => ({
    id: `team-${team}`,
    name: `Team ${team}`,
    timeZone: ZONES[team % ZONES.length],
    layers: [
      {
        name: 'weekly',
        members: Array.from(
          { length: PEOPLE_PER_TEAM },
          (__, i) => `user:default/p-${team * PEOPLE_PER_TEAM + i}`,
        ),
        rotation: { type: 'weekly', handoffDay: 'monday' },
        handoffTime: '09:00',
        start: '2025-01-06',
      },
    ],
  }),
);

/** The tables the insights triggers keep (see `generate`). */
export const ROLLUPS = [
  'multivac_incident_facts',
  'multivac_incident_entity_facts',
  'multivac_interruption_hours',
  'multivac_interruption_person_days',
];

export function connect(url: URL, database: string): Knex {
  const target = new URL(url);
  target.pathname = `/${database}`;
  return knexFactory({ client: 'pg', connection: target.toString() });
}

/**
 * Incidents, pages, roles, notifications, production releases and owners
 * over the last year.
 */
export async function generate(knex: Knex) {
  const yearStart = new Date(END.getTime() - 365 * DAY_MS).toISOString();
  await knex.raw(
    `INSERT INTO multivac_incidents (id, number, title, severity, status,
       created_by, created_at, updated_at, state_timestamps)
     SELECT 'inc-' || n, n, 'Bench incident ' || n,
       'SEV' || (1 + n % 4), CASE WHEN n % 10 = 0 THEN 'investigating' ELSE 'resolved' END,
       'user:default/bench', at, at,
       json_build_object('triggered', at, 'resolved', at + (n % 240 + 5) * interval '1 minute')::text
     FROM (SELECT n, ?::timestamptz + (n * 315.36) * interval '1 second' AS at
           FROM generate_series(1, ?) n) s`,
    [yearStart, INCIDENTS],
  );
  await knex.raw(
    `INSERT INTO multivac_incident_entities (incident_id, entity_ref)
     SELECT 'inc-' || n, 'component:default/svc-' || (n * 7919 % ?)
     FROM generate_series(1, ?) n`,
    [TEAMS * SERVICES_PER_TEAM, INCIDENTS],
  );
  await knex.raw(
    `INSERT INTO multivac_pages (id, entity_ref, resolved_from, provider,
       schedule_name, summary, details, urgency, dedup_key, status, level,
       targets, delivery, created_by, created_at, updated_at, acknowledged_at,
       history, incident_id)
     SELECT 'page-' || i.number, 'component:default/svc-0', 'group:default/team-0',
       'builtin', 'bench', 'bench', '{}', 'high', 'bench-' || i.number,
       'acknowledged', 1, '[]', 'bench', 'user:default/bench',
       i.created_at, i.created_at,
       i.created_at + (i.number % 20 + 1) * interval '1 minute', '[]', i.id
     FROM multivac_incidents i`,
  );
  await knex.raw(
    `INSERT INTO multivac_incident_roles (incident_id, role, user_ref, assigned_at)
     SELECT i.id, r.role, 'user:default/p-' || ((i.number + r.k) % ?),
       i.created_at + (r.k * (i.number % 30 + 1)) * interval '1 minute'
     FROM multivac_incidents i
     CROSS JOIN (VALUES ('controller', 0), ('responder', 1)) AS r(role, k)`,
    [PEOPLE],
  );
  // Pages reach whoever is on call: 200,000 pages (one every 158 s, round
  // robin over the teams), each notifying its team's weekly on-call person
  // (hand-off Monday 09:00 in the team's zone, as in ONCALL_SCHEDULES)
  // five times over up to 96 minutes (levels and re-pages; some at the
  // same moment, merged into one interruption), the fifth time the next
  // person in the rotation (the escalation). Two in three pages belong to
  // an incident of the same moment. Bands in the person's own zone.
  await knex.raw(
    `INSERT INTO multivac_notifications (user_ref, notified_at, source,
       page_id, level, incident_id, entity_ref, time_zone, local_weekday,
       local_hour, band)
     SELECT 'user:default/p-' || (team * ? + (turn + CASE WHEN j = 4 THEN 1 ELSE 0 END) % ?),
       at, 'page', 'n-' || n, 1 + j,
       CASE WHEN k % 3 = 0 THEN NULL ELSE 'inc-' || (k / 2 + 1) END,
       'component:default/svc-' || (team + ? * (k % ?)), zone,
       extract(isodow from local)::int, extract(hour from local)::int,
       CASE WHEN extract(hour from local) >= 22 OR extract(hour from local) < 8 THEN 'sleep'
            WHEN extract(isodow from local) >= 6 THEN 'weekend'
            WHEN extract(hour from local) >= 18 THEN 'evening' ELSE 'business' END
     FROM (
       SELECT n, k, j, team, zone, at, at AT TIME ZONE zone AS local,
         -- Weeks since the rotation's first hand-off (Monday 5 Jan 2025
         -- 09:00 local), counted in local time.
         floor(extract(epoch from ((page_at AT TIME ZONE zone) - timestamp '2025-01-06 09:00')) / 604800)::int AS turn
       FROM (
         SELECT n, k, j, team, zones[1 + team % 4] AS zone, page_at,
           page_at + (j * (k % 7) * 4) * interval '1 minute' AS at
         FROM (
           SELECT n, n / 5 AS k, n % 5 AS j, (n / 5) % ? AS team,
             ?::timestamptz + ((n / 5) * CAST(? AS float8)) * interval '1 second' AS page_at,
             ARRAY[?, ?, ?, ?] AS zones
           FROM generate_series(0, ? - 1) n
         ) a
       ) b
     ) c`,
    [
      PEOPLE_PER_TEAM,
      PEOPLE_PER_TEAM,
      TEAMS,
      SERVICES_PER_TEAM,
      TEAMS,
      yearStart,
      (365 * 86_400 * 5) / NOTIFICATIONS,
      ...ZONES,
      NOTIFICATIONS,
    ],
  );
  await knex.raw(
    `INSERT INTO multivac_entity_owners (entity_ref, owner_ref, refreshed_at)
     SELECT 'component:default/svc-' || s, 'group:default/team-' || (s % ?), now()
     FROM generate_series(0, ? - 1) s`,
    [TEAMS, TEAMS * SERVICES_PER_TEAM],
  );
  // A production release every 26 minutes (a twentieth still planned),
  // round robin over the services, for the change failure rate.
  await knex.raw(
    `INSERT INTO multivac_releases (id, number, entity_ref, title,
       environment, start_at, end_at, status, owner_ref, links, created_by,
       created_at, updated_at, status_history)
     SELECT 'rel-' || n, n, 'component:default/svc-' || (n % ?),
       'Bench release', 'production', at, at + interval '1 hour',
       CASE WHEN n % 20 = 0 THEN 'planned' WHEN n % 50 = 0 THEN 'rolled_back' ELSE 'done' END,
       'group:default/team-' || (n % ?), '[]', 'user:default/bench', at, at, '[]'
     FROM (SELECT n, ?::timestamptz + (n * CAST(? AS float8)) * interval '1 second' AS at
           FROM generate_series(1, ?) n) s`,
    [
      TEAMS * SERVICES_PER_TEAM,
      TEAMS,
      yearStart,
      (365 * 86_400) / RELEASES,
      RELEASES,
    ],
  );
  // The tables the triggers keep were rewritten row by row within each
  // bulk insert above (1,000,000 upserts of 35,000 hourly counts, every
  // incident's facts deleted and inserted again for its pages, roles and
  // entities), and no version was dead yet to reuse: the hourly counts took
  // 62 MB instead of 2. A ledger recorded over a year, one page at a time,
  // reuses that space as autovacuum and page pruning free it; compact them
  // as that would.
  await knex.raw(`VACUUM FULL ${ROLLUPS.join(', ')}`);
  // What autovacuum does after a bulk load: statistics, and the visibility
  // map that lets the insights indexes answer without reading the table.
  await knex.raw('VACUUM ANALYZE');
}

/** What the insights page asks for one period pair (InsightsService). */
export async function page(
  store: DatabaseInsightsStore,
  end: Date = PERIOD_END,
  team?: string,
) {
  const current: InsightsFilter = {
    from: new Date(end.getTime() - 90 * DAY_MS),
    to: end,
    team,
  };
  const previous: InsightsFilter = {
    ...current,
    from: new Date(PERIOD_END.getTime() - 180 * DAY_MS),
    to: current.from,
  };
  const groupings: IncidentGrouping[] = [
    { by: 'all' },
    { by: 'team' },
    { by: 'service' },
    { by: 'severity' },
  ];
  await Promise.all([
    ...groupings.flatMap(g => [
      store.incidentMetrics(current, g),
      store.incidentMetrics(previous, g),
    ]),
    store.incidentMetrics(current, { by: 'bucket', seconds: 86_400 }),
    store.interruptions(current, 'all'),
    store.interruptions(previous, 'all'),
    store.interruptions(current, 'person'),
    store.interruptionHeatmap(current),
    // InsightsService.refreshOwners, once per request (incidents,
    // interruptions); the bench's owners are fresh, so it only checks.
    ...[1, 2].map(() =>
      store.entitiesToRefresh(
        previous.from,
        current.to,
        new Date(Date.now() - 10 * 60_000),
      ),
    ),
  ]);
}

/**
 * The insights store's part of a team's report card for 90 days
 * (ReportCardService: the team's interruptions as the page reads them,
 * its figures and severities, and every team's figures for the company
 * median). Post-mortems, action items, change failure, on-call load and
 * readiness come from other stores and the catalog; not timed here.
 */
async function reportCard(store: DatabaseInsightsStore, team: string) {
  const current: InsightsFilter = {
    from: new Date(PERIOD_END.getTime() - 90 * DAY_MS),
    to: PERIOD_END,
  };
  const previous: InsightsFilter = {
    from: new Date(PERIOD_END.getTime() - 180 * DAY_MS),
    to: current.from,
  };
  await Promise.all([
    store.entitiesToRefresh(
      previous.from,
      current.to,
      new Date(Date.now() - 10 * 60_000),
    ),
    store.interruptions({ ...current, team }, 'all'),
    store.interruptions({ ...previous, team }, 'all'),
    store.interruptions({ ...current, team }, 'person'),
    store.interruptionHeatmap({ ...current, team }),
  ]);
  await Promise.all([
    store.incidentMetrics({ ...current, team }, { by: 'all' }),
    store.incidentMetrics(current, { by: 'team' }),
    store.incidentMetrics({ ...current, team }, { by: 'severity' }),
  ]);
}

async function main() {
  const raw = process.env[POSTGRES_ENV];
  if (!raw) {
    console.log(`SKIPPED: set ${POSTGRES_ENV}`);
    return;
  }
  const url = new URL(raw);
  // INSIGHTS_BENCH_DATABASE=<name> keeps the generated database (and reuses
  // it when it has data) to time the queries again or EXPLAIN them.
  const kept = process.env.INSIGHTS_BENCH_DATABASE;
  const database = kept ?? `multivac_bench_insights_${process.pid}`;
  const admin = connect(url, 'postgres');
  const { rows: existing } = await admin.raw(
    'SELECT 1 FROM pg_database WHERE datname = ?',
    [database],
  );
  if (existing.length === 0) {
    await admin.raw('CREATE DATABASE ??', [database]);
  }
  const knex = connect(url, database);
  try {
    await migrateDatabase(knex);
    const [{ n }] = await knex('multivac_incidents').count({ n: '*' });
    if (Number(n) > 0) {
      console.log(`PostgreSQL: reusing the data of ${database}`);
    } else {
      const generating = performance.now();
      await generate(knex);
      console.log(
        `PostgreSQL: ${TEAMS} teams, ${
          TEAMS * SERVICES_PER_TEAM
        } services, ${INCIDENTS.toLocaleString(
          'en-US',
        )} incidents (a page and 2 roles each), ${NOTIFICATIONS.toLocaleString(
          'en-US',
        )} notifications over a year; generated in ${(
          (performance.now() - generating) /
          1000
        ).toFixed(1)}s (with the insights triggers)`,
      );
    }
    // Owners as InsightsService leaves them after a refresh (a reused
    // database's would be older than the 10 minutes they are trusted).
    await knex('multivac_entity_owners').update({
      refreshed_at: new Date().toISOString(),
    });
    const store = new DatabaseInsightsStore(knex);
    const sets: Array<[string, () => Promise<void>]> = [
      [
        'insights page, 90 days + previous 90, whole company',
        () => page(store),
      ],
      [
        'insights page, 90 days + previous 90, one team',
        () => page(store, PERIOD_END, 'group:default/team-7'),
      ],
      [
        "a team's report card, 90 days (insights store part)",
        () => reportCard(store, 'group:default/team-7'),
      ],
    ];
    for (const [name, run] of sets) {
      await run(); // warm-up
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        await run();
        times.push(performance.now() - start);
      }
      const p95 = percentile(times, 95);
      console.log(
        `${name}: p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${p95.toFixed(
          0,
        )} ms over ${RUNS} runs (budget p95 < ${BUDGET_P95_MS} ms: ${
          p95 < BUDGET_P95_MS
            ? `met, ${(BUDGET_P95_MS / p95).toFixed(1)}× under`
            : 'NOT met'
        })`,
      );
    }
  } finally {
    await knex.destroy();
    if (!kept) {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
    }
    await admin.destroy();
  }
}

// bench/oncall-load.ts imports the generator and the page's queries.
if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
