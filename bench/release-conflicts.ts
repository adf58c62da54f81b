/*
 * How long the release calendar's conflict check takes on a large catalog:
 * 5,000 generated entities (Systems of ~20 Components, Resources and APIs,
 * with dependsOn chains and API providers and consumers, owned by 60
 * Groups) and 50,000 releases over a year, stored through the plugin's
 * migrations and DatabaseReleaseStore in a SQLite file, and again on
 * PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is
 * set. It times ConflictChecker.check for random proposed windows (the
 * catalog graph cached, as between refreshes), with freezes from config and
 * active incidents, and prints latency percentiles. See bench/README.md.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ReleaseConflictKind } from '@multivac/plugin-multivac-common';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseIncidentStore } from '../plugins/multivac-backend/src/database/DatabaseIncidentStore';
import { migrateDatabase } from '../plugins/multivac-backend/src/database/migrations';
import { transactionOf } from '../plugins/multivac-backend/src/database/Transaction';
import { CatalogGraphCache } from '../plugins/multivac-backend/src/releases/conflicts/CatalogGraphCache';
import { ConflictChecker } from '../plugins/multivac-backend/src/releases/conflicts/ConflictChecker';
import { DatabaseReleaseStore } from '../plugins/multivac-backend/src/releases/DatabaseReleaseStore';
import { readReleaseSettings } from '../plugins/multivac-backend/src/releases/settings';

const SYSTEMS = 190;
const GROUPS = 60;
const COMPONENTS_PER_SYSTEM = 17;
const RESOURCES_PER_SYSTEM = 2;
const APIS_PER_SYSTEM = 6;
const RELEASES = 50_000;
const ACTIVE_INCIDENTS = 20;
const CHECKS = Number(process.env.BENCH_CHECKS ?? 2000);
/** Checks run first, not measured (JIT, caches). */
const WARM_UP = 100;
const BUDGET_P95_MS = 100;
/** As many releases as the calendar page asks for at once. */
const CALENDAR_LIMIT = 500;
const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const DAY_MS = 86_400_000;

/** Deterministic, so that every run books the same calendar. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (below: number) => Math.floor(next() * below),
    pick: <T>(items: T[]) => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}

/** The catalog, with relations in both directions as the catalog writes them. */
function generateCatalog(): { entities: Entity[]; releasable: string[] } {
  const rnd = random(42);
  const relations = new Map<
    string,
    Array<{ type: string; targetRef: string }>
  >();
  const relate = (from: string, type: string, to: string, reverse: string) => {
    const add = (ref: string, t: string, target: string) => {
      if (!relations.has(ref)) relations.set(ref, []);
      relations.get(ref)!.push({ type: t, targetRef: target });
    };
    add(from, type, to);
    add(to, reverse, from);
  };
  const refs: Array<{ kind: string; name: string }> = [];
  const declare = (kind: string, name: string) => {
    refs.push({ kind, name });
    return `${kind.toLocaleLowerCase('en-US')}:default/${name}`;
  };

  const groups = Array.from({ length: GROUPS }, (_, g) =>
    declare('Group', `team-${g}`),
  );
  const components: string[][] = [];
  const apis: Array<{ ref: string; system: number }> = [];
  const releasable: string[] = [];
  for (let s = 0; s < SYSTEMS; s++) {
    const system = declare('System', `system-${s}`);
    const owner = groups[s % GROUPS];
    relate(system, 'ownedBy', owner, 'ownerOf');
    const members = Array.from({ length: COMPONENTS_PER_SYSTEM }, (_, c) =>
      declare('Component', `svc-${s}-${c}`),
    );
    const resources = Array.from({ length: RESOURCES_PER_SYSTEM }, (_, r) =>
      declare('Resource', `db-${s}-${r}`),
    );
    for (const ref of [...members, ...resources]) {
      relate(ref, 'partOf', system, 'hasPart');
      relate(
        ref,
        'ownedBy',
        rnd.chance(0.8) ? owner : rnd.pick(groups),
        'ownerOf',
      );
    }
    // Chains: each service calls the next with probability 1/2, and uses a database.
    members.forEach((ref, c) => {
      if (c + 1 < members.length && rnd.chance(0.5)) {
        relate(ref, 'dependsOn', members[c + 1], 'dependencyOf');
      }
      if (rnd.chance(0.5)) {
        relate(ref, 'dependsOn', rnd.pick(resources), 'dependencyOf');
      }
    });
    for (let a = 0; a < APIS_PER_SYSTEM; a++) {
      const api = declare('API', `api-${s}-${a}`);
      relate(api, 'partOf', system, 'hasPart');
      relate(rnd.pick(members), 'providesApi', api, 'apiProvidedBy');
      apis.push({ ref: api, system: s });
    }
    components.push(members);
    releasable.push(...members, ...resources);
  }
  // Consumers: 1–3 per API, a third of them from other Systems.
  for (const api of apis) {
    for (let n = 1 + rnd.int(3); n > 0; n--) {
      const system = rnd.chance(1 / 3) ? rnd.int(SYSTEMS) : api.system;
      relate(
        rnd.pick(components[system]),
        'consumesApi',
        api.ref,
        'apiConsumedBy',
      );
    }
  }
  // A few direct dependencies across Systems.
  for (let n = 0; n < SYSTEMS; n++) {
    relate(
      rnd.pick(rnd.pick(components)),
      'dependsOn',
      rnd.pick(rnd.pick(components)),
      'dependencyOf',
    );
  }

  const entities = refs.map(({ kind, name }) => {
    const ref = `${kind.toLocaleLowerCase('en-US')}:default/${name}`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: { name, namespace: 'default' },
      spec: {},
      relations: relations.get(ref) ?? [],
    } as Entity;
  });
  return { entities, releasable };
}

/** A working-hours window of 15–120 minutes on `day` (UTC), on 5-minute marks. */
function window(rnd: ReturnType<typeof random>, day: number) {
  const start = day + (8 * 60 + rnd.int(10 * 12) * 5) * 60_000;
  const end = start + (15 + rnd.int(22) * 5) * 60_000;
  return {
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
  };
}

const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;

/** 50,000 releases from half a year ago to half a year ahead; past ones are finished. */
async function bookReleases(knex: Knex, releasable: string[]) {
  const store = new DatabaseReleaseStore(knex);
  const rnd = random(7);
  const batch = 1000;
  for (let offset = 0; offset < RELEASES; offset += batch) {
    await knex.transaction(async tx => {
      for (let i = offset; i < Math.min(offset + batch, RELEASES); i++) {
        const day = today + (rnd.int(365) - 182) * DAY_MS;
        await store.create(
          {
            entityRef: rnd.pick(releasable),
            title: `v${1 + rnd.int(9)}.${rnd.int(40)}.${rnd.int(20)}`,
            environment: rnd.chance(0.6) ? 'production' : 'staging',
            ...window(rnd, day),
            ownerRef: 'group:default/team-0',
            links: [{ kind: 'ci', url: `https://ci.example.com/runs/${i}` }],
            notes: '',
          },
          'service:bench',
          transactionOf(tx),
        );
      }
    });
  }
  const now = new Date().toISOString();
  const finished = (status: string, remainder: number[]) =>
    knex('multivac_releases')
      .where('end_at', '<', now)
      .whereRaw(
        `number % 20 IN (${remainder.map(() => '?').join(', ')})`,
        remainder,
      )
      .update({ status });
  await finished('rolled_back', [0]);
  await finished('cancelled', [1]);
  await finished(
    'done',
    Array.from({ length: 18 }, (_, i) => i + 2),
  );
}

async function declareIncidents(knex: Knex, releasable: string[]) {
  const incidents = new DatabaseIncidentStore(knex);
  const rnd = random(99);
  for (let i = 0; i < ACTIVE_INCIDENTS; i++) {
    await incidents.createIncident(
      {
        title: `Incident ${i}`,
        severity: 'SEV3',
        entityRefs: [rnd.pick(releasable)],
      },
      'user:default/bench',
    );
  }
  return incidents;
}

interface Database {
  name: string;
  connect(): Promise<Knex>;
  remove(): Promise<void>;
}

function sqliteFile(): Database {
  const directory = mkdtempSync(join(tmpdir(), 'release-conflicts-'));
  return {
    name: 'SQLite file',
    connect: async () =>
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(directory, 'multivac.sqlite') },
        useNullAsDefault: true,
      }),
    remove: async () => rmSync(directory, { recursive: true }),
  };
}

function postgres(connectionString: string): Database {
  const database = `bench_release_conflicts_${randomBytes(4).toString('hex')}`;
  // The database goes into the URL: node-postgres prefers the URL's to `database`.
  const connect = (name: string) => {
    const url = new URL(connectionString);
    url.pathname = `/${name}`;
    return knexFactory({ client: 'pg', connection: url.toString() });
  };
  return {
    name: 'PostgreSQL',
    async connect() {
      const admin = connect('postgres');
      try {
        await admin.raw('CREATE DATABASE ??', [database]);
      } finally {
        await admin.destroy();
      }
      const knex = connect(database);
      const { rows } = await knex.raw('SELECT current_database() AS name');
      if (rows[0].name !== database) {
        throw new Error(`Connected to ${rows[0].name}, not ${database}`);
      }
      return knex;
    },
    async remove() {
      const admin = connect('postgres');
      try {
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
      } finally {
        await admin.destroy();
      }
    },
  };
}

const settings = readReleaseSettings(
  new ConfigReader({
    multivac: {
      releases: {
        timeZone: 'Europe/Berlin',
        freezes: [
          {
            id: 'friday',
            name: 'Friday afternoon',
            rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0',
            durationMinutes: 64 * 60,
            timeZone: 'Europe/Berlin',
            environments: ['production'],
          },
          {
            id: 'year-end',
            name: 'year end',
            start: `${new Date().getUTCFullYear()}-12-20T00:00:00+01:00`,
            end: `${new Date().getUTCFullYear() + 1}-01-04T00:00:00+01:00`,
            systems: Array.from({ length: 20 }, (_, s) => `system-${s}`),
          },
        ],
      },
    },
  }),
);

async function measure(
  database: Database,
  catalog: ReturnType<typeof generateCatalog>,
) {
  const knex = await database.connect();
  try {
    let started = performance.now();
    await migrateDatabase(knex);
    await bookReleases(knex, catalog.releasable);
    const incidents = await declareIncidents(knex, catalog.releasable);
    const bookSeconds = (performance.now() - started) / 1000;

    const graph = new CatalogGraphCache({
      catalog: catalogServiceMock({ entities: catalog.entities }),
      auth: mockServices.auth(),
      logger: mockServices.rootLogger({ level: 'warn' }),
      ttlMinutes: settings.catalogRefreshMinutes,
    });
    started = performance.now();
    const loaded = await graph.get();
    const graphMs = performance.now() - started;

    const checker = new ConflictChecker({
      graph,
      releases: new DatabaseReleaseStore(knex),
      incidents,
      settings,
    });
    const rnd = random(2026);
    const latencies: number[] = [];
    const kinds = new Map<ReleaseConflictKind, number>();
    let conflicts = 0;
    let withConflicts = 0;
    for (let i = 0; i < WARM_UP + CHECKS; i++) {
      // One in ten within a day (where active incidents freeze), the rest within half a year.
      const day = today + (rnd.chance(0.1) ? 0 : rnd.int(182)) * DAY_MS;
      const proposal = {
        entityRef: rnd.pick(catalog.releasable),
        environment: rnd.chance(0.6) ? 'production' : 'staging',
        ...window(rnd, day),
      };
      const t0 = performance.now();
      const result = await checker.check(proposal);
      const elapsed = performance.now() - t0;
      if (i < WARM_UP) continue;
      latencies.push(elapsed);
      conflicts += result.conflicts.length;
      withConflicts += result.conflicts.length > 0 ? 1 : 0;
      for (const c of result.conflicts) {
        kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
      }
    }

    // The calendar's month view: every release of the coming month with its
    // conflicts (GET /releases?withConflicts=true), batched and one by one.
    const store = new DatabaseReleaseStore(knex);
    const month = await store.list({
      from: new Date(today).toISOString(),
      to: new Date(today + 31 * DAY_MS).toISOString(),
      limit: CALENDAR_LIMIT,
      offset: 0,
    });
    const monthProposals = month.items.map(release => ({
      entityRef: release.entityRef,
      environment: release.environment,
      start: release.start,
      end: release.end,
      excludeReleaseId: release.id,
    }));
    started = performance.now();
    const batched = await checker.checkMany(monthProposals);
    const monthBatchedMs = performance.now() - started;
    started = performance.now();
    const oneByOne = await Promise.all(
      monthProposals.map(proposal => checker.check(proposal)),
    );
    const monthOneByOneMs = performance.now() - started;
    const count = (results: typeof batched) =>
      results.reduce((sum, r) => sum + r.conflicts.length, 0);
    if (count(batched) !== count(oneByOne)) {
      throw new Error(
        `checkMany found ${count(batched)} conflicts, check ${count(oneByOne)}`,
      );
    }

    return {
      month: {
        releases: monthProposals.length,
        conflicts: count(batched),
        batchedMs: monthBatchedMs,
        oneByOneMs: monthOneByOneMs,
      },
      latencies: latencies.sort((a, b) => a - b),
      bookSeconds,
      graphMs,
      graphSize: loaded.size,
      conflicts,
      withConflicts,
      kinds,
    };
  } finally {
    await knex.destroy();
  }
}

async function main() {
  const catalog = generateCatalog();
  console.log(
    `Release conflicts: ${
      catalog.entities.length
    } entities (${SYSTEMS} Systems, ${
      catalog.releasable.length
    } releasable Components and Resources, ${
      SYSTEMS * APIS_PER_SYSTEM
    } APIs, ${GROUPS} Groups), ` +
      `${RELEASES.toLocaleString(
        'en-US',
      )} releases over a year, ${ACTIVE_INCIDENTS} active incidents, ` +
      `${CHECKS} checks after ${WARM_UP} warm-up, one at a time, dependency depth ${settings.dependencyDepth}`,
  );
  const databases = [sqliteFile()];
  const connectionString = process.env[POSTGRES_ENV];
  if (connectionString) {
    databases.push(postgres(connectionString));
  } else {
    console.log(`(set ${POSTGRES_ENV} to measure PostgreSQL too)`);
  }
  const failures: string[] = [];
  for (const database of databases) {
    try {
      const result = await measure(database, catalog);
      const at = (p: number) =>
        result.latencies[
          Math.min(
            result.latencies.length - 1,
            Math.ceil((p / 100) * result.latencies.length) - 1,
          )
        ];
      const ms = (value: number) => `${value.toFixed(2)} ms`;
      console.log(
        `${database.name}: p50 ${ms(at(50))}  p95 ${ms(at(95))}  p99 ${ms(
          at(99),
        )}  max ${ms(result.latencies[result.latencies.length - 1])}`,
      );
      console.log(
        `${database.name}: ${result.conflicts} conflicts in ${
          result.withConflicts
        } of ${CHECKS} checks (${[...result.kinds]
          .map(([kind, count]) => `${kind} ${count}`)
          .join(', ')}); booking took ${result.bookSeconds.toFixed(1)}s, ` +
          `loading the graph of ${result.graphSize} entities ${ms(
            result.graphMs,
          )}`,
      );
      const { month } = result;
      console.log(
        `${database.name}: calendar month view, ${
          month.releases
        } releases with their ${month.conflicts} conflicts: batched ${ms(
          month.batchedMs,
        )}, one check per release ${ms(month.oneByOneMs)}`,
      );
      if (at(95) >= BUDGET_P95_MS) {
        failures.push(
          `${database.name}: p95 ${ms(
            at(95),
          )} is not under ${BUDGET_P95_MS} ms`,
        );
      }
    } finally {
      await database.remove();
    }
  }
  for (const failure of failures) {
    console.error(`FAILED: ${failure}`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
