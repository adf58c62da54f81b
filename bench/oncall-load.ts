/**
 * On-call load (GET /insights/oncall-load) and the whole company-wide
 * insights page on PostgreSQL at the issue's scale: the data of
 * bench/insights.ts (200 teams, 600 services, 100,000 incidents,
 * 1,000,000 notifications over a year, 20,000 production releases), whose
 * pages reach each team's on-call person of a weekly rotation of 8 people,
 * and those 200 built-in schedules (ONCALL_SCHEDULES). For 90 days ending
 * off the hour, 20 runs after a warm-up each, it prints p50/p95 of:
 *
 * - one team's on-call load (its one schedule);
 * - the company-wide on-call load (all 200 schedules);
 * - the page's other parts alone: incidents and interruptions (every store
 *   query of `/insights/incidents` and `/insights/interruptions`,
 *   bench/insights.ts' `page`), and the change failure rate's two queries
 *   (each released service judged on its own incidents: no catalog graph);
 * - the company-wide insights page as a whole: all four of its requests at
 *   once, as the browser sends them.
 *
 * Before each timed run the clock moves on a minute and a new page reaches
 * someone on call (see `time`). Catalog look-ups (names, owners) are
 * answered by a stub and not timed.
 *
 * Needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (a server it
 * may create and drop a database on). ONCALL_BENCH_DATABASE=<name> keeps the
 * generated database and reuses it on the next run. Run:
 * node --require @backstage/cli/config/nodeTransform.cjs bench/oncall-load.ts
 */
import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Knex } from 'knex';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { migrateDatabase } from '../plugins/multivac-backend/src/database/migrations';
import { DatabaseChangeFailureStore } from '../plugins/multivac-backend/src/insights/ChangeFailureStore';
import { DatabaseInsightsStore } from '../plugins/multivac-backend/src/insights/DatabaseInsightsStore';
import { InsightsScope } from '../plugins/multivac-backend/src/insights/InsightsService';
import { localMoment } from '../plugins/multivac-backend/src/insights/bands';
import {
  OnCallLoadService,
  personShifts,
} from '../plugins/multivac-backend/src/insights/OnCallLoadService';
import { OnCallLoadStore } from '../plugins/multivac-backend/src/insights/OnCallLoadStore';
import {
  BUDGET_P95_MS,
  connect,
  DAY_MS,
  generate,
  ONCALL_SCHEDULES,
  page,
  PERIOD_END,
  RUNS,
} from './insights';
import { percentile } from './lib/stats';

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

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

function uptime(): string {
  return execFileSync('uptime', { encoding: 'utf8' }).trim();
}

/**
 * Times `run` RUNS times after a warm-up. Before each run (not timed) the
 * clock moves on a minute and one new page reaches someone on call, as
 * between two people opening the page: the period's first and last shifts
 * and that person's shifts are computed again, not served from what the
 * service kept.
 */
async function time(
  name: string,
  before: (i: number) => Promise<void>,
  run: (i: number) => Promise<unknown>,
) {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    await before(i);
    const start = performance.now();
    await run(i);
    if (i > 0) {
      times.push(performance.now() - start);
    }
  }
  const p95 = percentile(times, 95);
  console.log(
    `${name}: p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${p95.toFixed(
      0,
    )} ms over ${RUNS} runs (p95 / budget ${BUDGET_P95_MS} ms = ${(
      p95 / BUDGET_P95_MS
    ).toFixed(2)})`,
  );
}

async function main() {
  const raw = process.env[POSTGRES_ENV];
  if (!raw) {
    console.log(`SKIPPED: set ${POSTGRES_ENV}`);
    return;
  }
  const url = new URL(raw);
  const kept = process.env.ONCALL_BENCH_DATABASE;
  const database = kept ?? `multivac_bench_oncall_${process.pid}`;
  const admin = connect(url, 'postgres');
  const { rows: existing } = await admin.raw(
    'SELECT 1 FROM pg_database WHERE datname = ?',
    [database],
  );
  if (existing.length === 0) {
    await admin.raw('CREATE DATABASE ??', [database]);
  }
  const knex: Knex = connect(url, database);
  try {
    await migrateDatabase(knex);
    const [{ n }] = await knex('multivac_incidents').count({ n: '*' });
    if (Number(n) > 0) {
      console.log(`PostgreSQL: reusing the data of ${database}`);
    } else {
      const generating = performance.now();
      await generate(knex);
      console.log(
        `PostgreSQL: generated in ${(
          (performance.now() - generating) /
          1000
        ).toFixed(1)}s (with the insights triggers)`,
      );
    }
    await knex('multivac_entity_owners').update({
      refreshed_at: new Date().toISOString(),
    });

    // 90 days ending `minutes` after PERIOD_END.
    const scopeAt = (minutes: number): InsightsScope => {
      const to = new Date(PERIOD_END.getTime() + minutes * 60_000);
      const from = new Date(to.getTime() - 90 * DAY_MS);
      return {
        current: { from, to },
        previous: { from: new Date(+from - 90 * DAY_MS), to: from },
        bucketSeconds: 7 * 86_400,
      };
    };
    const scope = scopeAt(0);
    let clock = 0;
    // A new page to team t's person on call, at the period's end.
    const newPage = async (team: number) => {
      clock += 1;
      const at = new Date(PERIOD_END.getTime() + clock * 60_000 - 30_000);
      const schedule = ONCALL_SCHEDULES[team];
      const [onCall] = personShifts(schedule, at, new Date(+at + 1));
      const local = localMoment(at.toISOString(), schedule.timeZone);
      await knex('multivac_notifications').insert({
        user_ref: onCall.userRef,
        notified_at: at.toISOString(),
        source: 'page',
        page_id: `bench-new-${process.pid}-${clock}`,
        level: 1,
        incident_id: null,
        entity_ref: `component:default/svc-${team}`,
        time_zone: schedule.timeZone,
        local_weekday: local.weekday,
        local_hour: local.hour,
        band: local.band,
      });
    };
    const next = async (i: number) => newPage(i % ONCALL_SCHEDULES.length);
    const store = new OnCallLoadStore(knex);
    const oneTeam = new OnCallLoadService({
      store,
      schedules: [ONCALL_SCHEDULES[7]],
      catalog,
      auth,
    });
    const company = new OnCallLoadService({
      store,
      schedules: ONCALL_SCHEDULES,
      catalog,
      auth,
    });
    const insights = new DatabaseInsightsStore(knex);
    const changeFailure = new DatabaseChangeFailureStore(knex);
    // The change failure rate's queries (ChangeFailureService), each
    // released service judged on its own incidents (no catalog graph).
    const changeFailureQueries = async (at: InsightsScope) => {
      const released = await changeFailure.releasedEntities(
        at.current.from,
        at.current.to,
        'production',
      );
      return changeFailure.changeFailure({
        ...at.current,
        environment: 'production',
        windowSeconds: 86_400,
        affected: new Map(released.map(ref => [ref, [ref]])),
      });
    };

    const cold = performance.now();
    const all = await company.load(scope);
    const coldMs = performance.now() - cold;
    const team = await oneTeam.load(scope);
    const sum = (field: 'interruptions' | 'bursts' | 'badNights') =>
      all.schedules.reduce(
        (total, s) => total + s.persons.reduce((x, p) => x + p[field], 0),
        0,
      );
    const breaches = all.schedules.reduce(
      (total, s) => total + s.persons.reduce((x, p) => x + p.sreBreaches, 0),
      0,
    );
    if (team.schedules[0].interruptions === 0) {
      throw new Error('The team has no interruptions: nothing was measured');
    }
    console.log(
      `90 days: ${all.schedules.length} schedules, ${sum(
        'interruptions',
      )} interruptions on shift (team-7: ${
        team.schedules[0].interruptions
      }), ${sum('bursts')} bursts, ${sum(
        'badNights',
      )} bad nights, ${breaches} SRE-rule breaches`,
    );
    console.log(
      `the first company-wide on-call load (nothing kept yet): ${coldMs.toFixed(
        0,
      )} ms`,
    );
    console.log(`uptime before: ${uptime()}`);
    await time(
      "one team's on-call load, 90 days",
      async () => newPage(7),
      async () => oneTeam.load(scopeAt(clock)),
    );
    await time(
      'company-wide on-call load, 90 days (200 schedules)',
      next,
      async () => company.load(scopeAt(clock)),
    );
    // The page's other parts alone, to show where its time goes.
    await time(
      'company-wide incidents and interruptions (the insights store), 90 days + previous 90',
      next,
      async () => page(insights, scopeAt(clock).current.to),
    );
    await time(
      'company-wide change failure rate (its two queries), 90 days',
      next,
      async () => changeFailureQueries(scopeAt(clock)),
    );
    await time(
      'company-wide insights page as a whole, 90 days (incidents, interruptions, on-call load, change failure at once)',
      next,
      async () => {
        const at = scopeAt(clock);
        await Promise.all([
          page(insights, at.current.to),
          company.load(at),
          changeFailureQueries(at),
        ]);
      },
    );
    console.log(`uptime after: ${uptime()}`);
  } finally {
    await knex.destroy();
    if (!kept) {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
    }
    await admin.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
