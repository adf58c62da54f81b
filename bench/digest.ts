/**
 * The daily digest's queries on PostgreSQL at company scale: 200 teams
 * (600 services), 100,000 incidents over a year (a tenth still open) with a
 * page and a report each, a post-mortem for every resolved one (a tenth
 * unpublished, due around now), and 20,000 releases. Then everything
 * `GET /insights/digest` asks the store for (DatabaseDigestStore: the
 * entities to refresh, incidents declared, resolved and open, reports,
 * pages by team, post-mortems due, releases of the next day), all at once
 * as DigestService does, for the whole company and for one team. Prints
 * p50/p95 over repeated runs against the 5 s budget of the whole company's
 * digest. Needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (a
 * server it may create and drop a database on).
 *
 * Run: node --require @backstage/cli/config/nodeTransform.cjs bench/digest.ts
 */
import knexFactory, { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { migrateDatabase } from '../plugins/multivac-backend/src/database/migrations';
import { DatabaseDigestStore } from '../plugins/multivac-backend/src/insights/DatabaseDigestStore';
import { percentile } from './lib/stats';

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const TEAMS = 200;
const SERVICES = TEAMS * 3;
const INCIDENTS = 100_000;
const RELEASES = 20_000;
const RUNS = 20;
const BUDGET_P95_MS = 5_000;
const END = new Date('2026-12-01T08:00:00Z');
const DAY_MS = 86_400_000;
const LIMIT = 50;

function connect(url: URL, database: string): Knex {
  const target = new URL(url);
  target.pathname = `/${database}`;
  return knexFactory({ client: 'pg', connection: target.toString() });
}

async function generate(knex: Knex) {
  const yearStart = new Date(END.getTime() - 365 * DAY_MS).toISOString();
  // One incident every 315 s over the year; every tenth still investigating.
  await knex.raw(
    `INSERT INTO multivac_incidents (id, number, title, severity, status,
       created_by, created_at, updated_at, state_timestamps)
     SELECT 'inc-' || n, n, 'Bench incident ' || n, 'SEV' || (1 + n % 4),
       CASE WHEN n % 10 = 0 THEN 'investigating' ELSE 'resolved' END,
       'user:default/bench', at,
       at + (n % 240 + 5) * interval '1 minute',
       CASE WHEN n % 10 = 0 THEN json_build_object('triggered', at)::text
         ELSE json_build_object('triggered', at, 'resolved',
           at + (n % 240 + 5) * interval '1 minute')::text END
     FROM (SELECT n, ?::timestamptz + (n * 315.36) * interval '1 second' AS at
           FROM generate_series(1, ?) n) s`,
    [yearStart, INCIDENTS],
  );
  await knex.raw(
    `INSERT INTO multivac_incident_entities (incident_id, entity_ref)
     SELECT 'inc-' || n, 'component:default/svc-' || (n * 7919 % ?)
     FROM generate_series(1, ?) n`,
    [SERVICES, INCIDENTS],
  );
  await knex.raw(
    `INSERT INTO multivac_pages (id, entity_ref, resolved_from, provider,
       schedule_name, summary, details, urgency, dedup_key, status, level,
       targets, delivery, created_by, created_at, updated_at, acknowledged_at,
       history, incident_id)
     SELECT 'page-' || i.number, e.entity_ref, e.entity_ref, 'builtin', 'bench',
       'bench', '{}', 'high', 'bench-' || i.number, 'acknowledged', 1, '[]',
       'bench', 'user:default/bench', i.created_at, i.created_at,
       CASE WHEN i.number % 3 = 0 THEN NULL
         ELSE i.created_at + interval '5 minutes' END, '[]', i.id
     FROM multivac_incidents i
     JOIN multivac_incident_entities e ON e.incident_id = i.id`,
  );
  await knex.raw(
    `UPDATE multivac_counters SET value = ? WHERE name = 'report_number'`,
    [INCIDENTS],
  );
  await knex.raw(
    `INSERT INTO multivac_reports (id, number, title, description, entity_ref,
       users_affected, scope, customer_facing, links, severity,
       rubric_severity, paging, reported_by, created_at, updated_at,
       incident_id)
     SELECT 'rep-' || i.number, i.number, 'Bench report', '', e.entity_ref,
       'some', 'global', false, '[]', i.severity, i.severity, '',
       'user:default/bench', i.created_at - interval '2 minutes',
       i.created_at, i.id
     FROM multivac_incidents i
     JOIN multivac_incident_entities e ON e.incident_id = i.id`,
  );
  // Resolved incidents have a post-mortem due five days later; every tenth
  // is not published yet.
  await knex.raw(
    `INSERT INTO multivac_postmortems (id, incident_id, title, severity,
       status, owner_ref, reviewer_refs, due_date, facts, created_by,
       created_at, updated_at)
     SELECT 'pm-' || i.number, i.id, 'Bench post-mortem', i.severity,
       CASE WHEN i.number % 10 = 1 THEN 'draft' ELSE 'published' END,
       'user:default/bench', '[]',
       to_char(i.created_at + interval '5 days', 'YYYY-MM-DD'), '{}',
       'user:default/bench', i.created_at, i.created_at
     FROM multivac_incidents i WHERE i.status = 'resolved'`,
  );
  await knex.raw(
    `UPDATE multivac_counters SET value = ? WHERE name = 'release_number'`,
    [RELEASES],
  );
  await knex.raw(
    `INSERT INTO multivac_releases (id, number, entity_ref, title,
       environment, start_at, end_at, status, owner_ref, links, created_by,
       created_at, updated_at, status_history)
     SELECT 'rel-' || n, n, 'component:default/svc-' || (n % ?),
       'Bench release', CASE WHEN n % 2 = 0 THEN 'production' ELSE 'staging' END,
       at, at + interval '1 hour',
       CASE WHEN n % 20 = 0 THEN 'cancelled' ELSE 'planned' END,
       'group:default/team-' || (n % ?), '[]', 'user:default/bench', at, at, '[]'
     FROM (SELECT n, ?::timestamptz + (n * 1576.8) * interval '1 second' AS at
           FROM generate_series(1, ?) n) s`,
    [SERVICES, TEAMS, yearStart, RELEASES],
  );
  await knex.raw(
    `INSERT INTO multivac_entity_owners (entity_ref, owner_ref, refreshed_at)
     SELECT 'component:default/svc-' || s, 'group:default/team-' || (s % ?), now()
     FROM generate_series(0, ? - 1) s`,
    [TEAMS, SERVICES],
  );
  await knex.raw('ANALYZE');
}

/** Everything DigestService asks the store for, at once. */
async function digest(store: DatabaseDigestStore, team?: string) {
  const filter = { from: new Date(END.getTime() - DAY_MS), to: END, team };
  const ahead = { from: END, to: new Date(END.getTime() + DAY_MS), team };
  const today = END.toISOString().slice(0, 10);
  const tomorrow = new Date(END.getTime() + DAY_MS).toISOString().slice(0, 10);
  await store.entitiesToRefresh(filter, ahead, new Date(0));
  return Promise.all([
    store.declared(filter, LIMIT),
    store.resolved(filter, LIMIT),
    store.open(filter, LIMIT),
    store.reports(filter, LIMIT),
    store.pagesByTeam(filter),
    store.postmortemsDue({ dueBy: tomorrow, today, team }, LIMIT),
    store.releases(ahead, LIMIT),
  ]);
}

async function main() {
  const raw = process.env[POSTGRES_ENV];
  if (!raw) {
    console.log(`SKIPPED: set ${POSTGRES_ENV}`);
    return;
  }
  const url = new URL(raw);
  const database = `multivac_bench_digest_${process.pid}`;
  const admin = connect(url, 'postgres');
  await admin.raw('CREATE DATABASE ??', [database]);
  const knex = connect(url, database);
  try {
    await migrateDatabase(knex);
    const generating = performance.now();
    await generate(knex);
    console.log(
      `PostgreSQL: ${TEAMS} teams, ${SERVICES} services, ${INCIDENTS.toLocaleString(
        'en-US',
      )} incidents over a year (a page and a report each, a post-mortem per resolved one), ${RELEASES.toLocaleString(
        'en-US',
      )} releases; generated in ${(
        (performance.now() - generating) /
        1000
      ).toFixed(1)}s`,
    );
    const store = new DatabaseDigestStore(knex);
    for (const [name, team] of [
      ['whole company', undefined],
      ['one team', 'group:default/team-9'],
    ] as const) {
      const [declared, resolved, open, , pages, due, releases] = await digest(
        store,
        team,
      ); // warm-up, and what it found
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        await digest(store, team);
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      const p95 = percentile(times, 95);
      console.log(
        `digest of the last 24 hours, ${name} (declared ${
          declared.count
        }, resolved ${resolved.count}, open ${open.count}, pages ${pages.reduce(
          (sum, p) => sum + p.pages,
          0,
        )}, post-mortems due ${due.count}, releases ${
          releases.count
        }): p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${p95.toFixed(
          0,
        )} ms over ${RUNS} runs (budget p95 < ${BUDGET_P95_MS} ms: ${
          p95 < BUDGET_P95_MS ? 'met' : 'NOT met'
        })`,
      );
    }
  } finally {
    await knex.destroy();
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
    await admin.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
