/*
 * How fast Multivac acknowledges alert deliveries, and how many alerts a
 * second it keeps up with. It starts a backend with the multivac plugin
 * (Backstage's HTTP router and database manager; the catalog is an
 * in-memory mock with the services the alerts name), with the plugin's
 * database in a SQLite file, and again on PostgreSQL when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set (a database of
 * its own, dropped afterwards). 50 senders (in a process of their own)
 * post Prometheus Alertmanager webhooks (version 4, one alert each,
 * bearer secret, as `http_config` sends it) at
 * POST /api/multivac/alerts/integrations/<id> for a fixed time: each
 * delivery is stored durably with its processing job before the 202
 * (concurrent deliveries share a transaction: group commit).
 * The job workers route, deduplicate, group and page meanwhile, as in
 * production. Printed per database: the acknowledgement p50/p95/p99, the
 * sustained alerts per second, how long processing took to catch up, how
 * many deliveries shared a transaction on average, and, per alert, the
 * backend's CPU time (`process.cpuUsage`, from the measured burst's start
 * until processing caught up) and the statements the plugin sent (knex's
 * `query` event): the two figures that do not move with the machine's
 * load, unlike the latencies.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { performance } from 'node:perf_hooks';
import { ChildProcess, spawn } from 'node:child_process';
import { Knex } from 'knex';
import { loadavg } from 'node:os';
import { BenchDatabase, postgres, sqliteFile } from './lib/databases';
import { percentile } from './lib/stats';
import { multivacPlugin } from '../plugins/multivac-backend/src/plugin';

const SENDERS = 50;
const WARM_UP_SECONDS = 3;
const MEASURED_SECONDS = 15;
/** How long processing may take to catch up before the run fails. */
const CATCH_UP_LIMIT_SECONDS = 300;
const TARGET_P99_MS = 50;
const TARGET_ALERTS_PER_SECOND = 1000;
const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const SECRET = 'bench-secret-0123456789';
const SERVICES = 20;
/** `--statements`: also print the statements sent, most frequent first. */
const SHOW_STATEMENTS = process.argv.includes('--statements');
/** `--postgres-only`: skip the SQLite run. */
const POSTGRES_ONLY = process.argv.includes('--postgres-only');

const service = (n: number) => `service-${n}`;
const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'platform',
      namespace: 'default',
      annotations: { 'multivac.io/oncall-schedule': 'platform' },
    },
    spec: { type: 'team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'ada', namespace: 'default' },
    spec: { profile: { displayName: 'Ada', email: 'ada@example.com' } },
  },
  ...Array.from({ length: SERVICES }, (_, n) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: service(n), namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/platform' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/platform' }],
  })),
];

/*
 * The senders run in a process of their own, with their own keep-alive
 * connections: monitoring tools are other machines, so their CPU must not
 * queue behind the backend's event loop (they used to run in it, with
 * fetch, and took a fifth of its CPU), nor count in the backend's CPU time
 * (`process.cpuUsage` counts every thread of a process, so a worker thread
 * would). Plain JavaScript, as the child is not run through the TypeScript
 * loader. Each body is an Alertmanager
 * v4 webhook with one alert (Prometheus' documented body), a new
 * fingerprint per delivery, spread over the SERVICES services.
 */
const SENDERS_PROCESS = `
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const agent = new http.Agent({ keepAlive: true, maxSockets: ${SENDERS} });
function delivery(n) {
  const labels = {
    alertname: 'HighErrorRate',
    service: 'service-' + (n % ${SERVICES}),
    instance: 'pod-' + n + ':8080',
    severity: n % 10 === 0 ? 'critical' : 'warning',
  };
  return JSON.stringify({
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate",instance="pod-' + n + ':8080"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'multivac',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: labels,
    commonAnnotations: { summary: 'Error rate above 5% on pod-' + n },
    externalURL: 'http://alertmanager.example.com:9093',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: 'Error rate above 5% on pod-' + n },
        startsAt: '2026-12-04T09:00:00.000Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example.com:9090/graph',
        fingerprint: n.toString(16).padStart(16, '0'),
      },
    ],
  });
}
function post(url, secret, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + secret },
    }, response => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
process.on('message', async ({ url, secret, seconds, first }) => {
  const latencies = [];
  const failures = [];
  let next = first;
  const until = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: ${SENDERS} }, async () => {
    while (performance.now() < until) {
      const n = next++;
      const body = delivery(n);
      const sent = performance.now();
      try {
        const status = await post(url, secret, body);
        latencies.push(performance.now() - sent);
        if (status !== 202) {
          failures.push('delivery ' + n + ': ' + status);
        }
      } catch (error) {
        failures.push('delivery ' + n + ': ' + error);
      }
    }
  }));
  process.send({ latencies, failures, next });
});
`;

/** SENDERS senders in their process, each sending one after the other. */
function startSenders() {
  const child: ChildProcess = spawn(process.execPath, ['-e', SENDERS_PROCESS], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    run(
      url: string,
      seconds: number,
      first: number,
    ): Promise<{ latencies: number[]; failures: string[]; next: number }> {
      return new Promise((resolve, reject) => {
        child.once('message', message =>
          resolve(
            message as {
              latencies: number[];
              failures: string[];
              next: number;
            },
          ),
        );
        child.once('error', reject);
        child.send({ url, secret: SECRET, seconds, first });
      });
    },
    close: () => child.kill(),
  };
}

/**
 * Counts the statements the plugin's database client sends (knex's
 * `query` event: every statement, BEGIN and COMMIT included), from a
 * module of the multivac plugin, which gets the plugin's own client.
 */
function statementCounter() {
  const counter = {
    statements: 0,
    /** Per statement shape: how many, and their total time in ms. */
    bySql: new Map<string, { count: number; ms: number }>(),
  };
  const started = new Map<string, { sql: string; at: number }>();
  const module = createBackendModule({
    pluginId: 'multivac',
    moduleId: 'bench-statement-counter',
    register(env) {
      env.registerInit({
        deps: { database: coreServices.database },
        async init({ database }) {
          const client = await database.getClient();
          client.on(
            'query',
            (query: { sql?: string; __knexQueryUid?: string }) => {
              counter.statements += 1;
              if (SHOW_STATEMENTS && query.__knexQueryUid) {
                // One line per statement shape: lists of values collapsed.
                const sql = (query.sql ?? '')
                  .replace(/\s+/g, ' ')
                  .replace(/\$\d+/g, '?')
                  .replace(/\?(, \?)+/g, '?…')
                  .replace(/( union all select [^]*?)+$/, ' union all …')
                  .replace(/(, \(\?…\))+/g, ', …');
                started.set(query.__knexQueryUid, {
                  sql,
                  at: performance.now(),
                });
              }
            },
          );
          const finished = (_: unknown, query: { __knexQueryUid?: string }) => {
            const start = query.__knexQueryUid
              ? started.get(query.__knexQueryUid)
              : undefined;
            if (start) {
              started.delete(query.__knexQueryUid!);
              const entry = counter.bySql.get(start.sql) ?? { count: 0, ms: 0 };
              entry.count += 1;
              entry.ms += performance.now() - start.at;
              counter.bySql.set(start.sql, entry);
            }
          };
          client.on('query-response', finished);
          client.on('query-error', finished);
        },
      });
    },
  });
  return { counter, module };
}

/** CPU time (user + system) this process used, in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface Measured {
  latencies: number[];
  failures: string[];
  seconds: number;
  sent: number;
  catchUpSeconds?: number;
  alerts: number;
  pages: number;
  deliveriesPerCommit: number;
  /** Backend CPU ms (all threads) from the measured burst's start until processing caught up. */
  cpuMs: number;
  /** Of which during the burst (acknowledging, and processing meanwhile). */
  burstCpuMs: number;
  /** Statements the plugin sent over the same span. */
  statements: number;
  burstStatements: number;
  load: string;
}

/** The alert.process jobs not finished yet. */
async function unprocessed(db: Knex): Promise<number> {
  const [{ count }] = await db('multivac_jobs')
    .where('type', 'alert.process')
    .whereNot('status', 'succeeded')
    .count({ count: '*' });
  return Number(count);
}

/** Seconds until processing caught up, or undefined past the limit. */
async function catchUp(db: Knex): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < CATCH_UP_LIMIT_SECONDS * 1000) {
    if ((await unprocessed(db)) === 0) {
      return (performance.now() - started) / 1000;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return undefined;
}

const loadAverage = () =>
  loadavg()
    .map(l => l.toFixed(1))
    .join(' ');

async function measure(database: BenchDatabase): Promise<Measured> {
  const { counter, module } = statementCounter();
  const backend = await startTestBackend({
    features: [
      multivacPlugin,
      module,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          backend: { database: database.config },
          multivac: {
            onCall: {
              schedules: [
                {
                  id: 'platform',
                  name: 'Platform',
                  timeZone: 'UTC',
                  layers: [
                    {
                      name: 'all week',
                      members: ['user:default/ada'],
                      rotation: { type: 'daily' },
                      start: '2026-01-01',
                    },
                  ],
                },
              ],
            },
            alerts: {
              integrations: [
                {
                  id: 'prometheus',
                  name: 'Prometheus',
                  vendor: 'alertmanager',
                  secrets: [SECRET],
                },
              ],
            },
          },
        },
      }),
    ],
  });
  const url = `http://127.0.0.1:${backend.server.port()}/api/multivac/alerts/integrations/prometheus`;
  const senders = startSenders();
  const db = database.connect();
  try {
    const warmUp = await senders.run(url, WARM_UP_SECONDS, 0);
    // The warm-up's backlog is processed before the measured burst, so
    // that its CPU and statements are not counted in it.
    if ((await catchUp(db)) === undefined) {
      throw new Error('processing of the warm-up did not catch up');
    }
    counter.bySql.clear();
    const loadBefore = loadAverage();
    const cpuStart = cpuMs();
    const statementsStart = counter.statements;
    const started = performance.now();
    const { latencies, failures, next } = await senders.run(
      url,
      MEASURED_SECONDS,
      warmUp.next,
    );
    const seconds = (performance.now() - started) / 1000;
    const burstCpuMs = cpuMs() - cpuStart;
    const burstStatements = counter.statements - statementsStart;

    // Processing (routing, grouping, paging) catches up with the backlog.
    const catchUpSeconds = await catchUp(db);
    const cpu = cpuMs() - cpuStart;
    const statements = counter.statements - statementsStart;
    const load = `${loadBefore} before, ${loadAverage()} after`;
    const sent = next - warmUp.next;
    if (SHOW_STATEMENTS) {
      for (const [sql, { count, ms }] of [...counter.bySql]
        .sort((a, b) => b[1].count - a[1].count)
        .slice(0, 25)) {
        console.log(
          `${(count / sent).toFixed(3)} per alert, ${(ms / count).toFixed(
            1,
          )} ms each: ${sql}`,
        );
      }
    }
    const [{ alerts }] = await db('multivac_alerts').count({ alerts: '*' });
    const [{ pages }] = await db('multivac_pages').count({ pages: '*' });
    // Each transaction of deliveries records one processing job.
    const [{ deliveries }] = await db('multivac_alert_deliveries').count({
      deliveries: '*',
    });
    const [{ transactions }] = await db('multivac_jobs')
      .where('type', 'alert.process')
      .count({ transactions: '*' });
    return {
      latencies,
      failures,
      seconds,
      sent,
      catchUpSeconds,
      alerts: Number(alerts),
      pages: Number(pages),
      deliveriesPerCommit: Number(deliveries) / Number(transactions),
      cpuMs: cpu,
      burstCpuMs,
      statements,
      burstStatements,
      load,
    };
  } finally {
    await senders.close();
    await db.destroy();
    await backend.stop();
  }
}

function report(name: string, result: Measured): string[] {
  const { latencies, failures, seconds, sent } = result;
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const p99 = percentile(latencies, 99);
  const perSecond = Math.round(sent / seconds);
  console.log(
    `${name}: acknowledgement p50 ${ms(percentile(latencies, 50))}  p95 ${ms(
      percentile(latencies, 95),
    )}  p99 ${ms(p99)}  max ${ms(
      sorted[sorted.length - 1] ?? NaN,
    )}  sustained ${perSecond} alerts/s (${sent} in ${seconds.toFixed(1)} s)`,
  );
  console.log(
    `${name}: ${
      sent - failures.length
    } of ${sent} acknowledged with 202; processing caught up ${
      result.catchUpSeconds === undefined
        ? `NOT within ${CATCH_UP_LIMIT_SECONDS} s`
        : `${result.catchUpSeconds.toFixed(1)} s after the last delivery`
    }; ${result.alerts} alerts stored, ${
      result.pages
    } pages (one per service group); ${result.deliveriesPerCommit.toFixed(
      1,
    )} deliveries per transaction on average`,
  );
  const perAlert = (value: number) => (value / sent).toFixed(2);
  console.log(
    `${name}: backend CPU ${perAlert(result.cpuMs)} ms per alert (${perAlert(
      result.burstCpuMs,
    )} during the burst), ${perAlert(
      result.statements,
    )} statements per alert (${perAlert(
      result.burstStatements,
    )} during the burst); load average ${result.load}`,
  );
  return [
    ...failures.slice(0, 5).map(failure => `${name}: ${failure}`),
    ...(result.catchUpSeconds === undefined
      ? [`${name}: processing did not catch up`]
      : []),
  ];
}

async function main() {
  console.log(
    `Alert ingest: ${SENDERS} concurrent senders posting Alertmanager webhooks (one alert each) for ${MEASURED_SECONDS} s after ${WARM_UP_SECONDS} s of warm-up; targets on PostgreSQL: p99 < ${TARGET_P99_MS} ms, >= ${TARGET_ALERTS_PER_SECOND} alerts/s`,
  );
  const databases = POSTGRES_ONLY ? [] : [sqliteFile('alerts-ingest')];
  const connectionString = process.env[POSTGRES_ENV];
  if (connectionString) {
    databases.push(postgres(connectionString, 'alerts-ingest'));
  } else {
    console.log(`PostgreSQL skipped: ${POSTGRES_ENV} is not set`);
  }
  const problems: string[] = [];
  for (const database of databases) {
    try {
      problems.push(...report(database.name, await measure(database)));
    } finally {
      await database.remove();
    }
  }
  for (const problem of problems) {
    console.log(`FAIL ${problem}`);
  }
  if (problems.length > 0) {
    process.exitCode = 1;
  }
}

main()
  .catch(error => {
    console.error(error);
    process.exitCode = 1;
  })
  // The test backend leaves its knex pools open after stopping.
  .finally(() => process.exit());
