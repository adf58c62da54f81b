/*
 * How fast the Slack module acknowledges slash commands: Slack shows the
 * user an error when the answer takes more than 3 seconds. It starts a
 * backend with the multivac plugin and the Slack module as production runs
 * them (Backstage's HTTP router and database manager, the real auth and
 * permission backends), with the plugin's database in a SQLite file, and
 * again on PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
 * is set. It fires 500 signed slash commands, 50 at a time, at
 * /api/multivac/slack/commands: each is recorded by the SlackBot inbox as a
 * job in the DatabaseJobQueue before it is acknowledged. The job workers
 * run the commands meanwhile, as in production, against a fake Slack on
 * 127.0.0.1 (`help`: a catalog look-up, a permission check, one
 * `chat.postEphemeral`). See plugins/multivac-backend-module-slack/README.md.
 */
import { Entity } from '@backstage/catalog-model';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { AckTimings, recordAckTimings } from './lib/ackTimings';
import { BenchDatabase, postgres, sqliteFile } from './lib/databases';
import { percentile } from './lib/stats';
import {
  FAKE_BOT_USER_ID,
  startFakeSlack,
} from '../plugins/multivac-backend-module-slack/src/__testUtils__/fakeSlack';
import { signSlackRequest } from '../plugins/multivac-backend-module-slack/src/__testUtils__/signSlackRequest';
import {
  SIGNING_SECRET,
  startSlackBackend,
} from '../plugins/multivac-backend-module-slack/src/__testUtils__/slackBackend';
import { slashCommand } from '../plugins/multivac-backend-module-slack/src/__testUtils__/slackPayloads';
import { verifySlackRequest } from '../plugins/multivac-backend-module-slack/src/verification/verifySlackRequest';

const COMMANDS = 500;
/** A burst at the start of a big incident (issue 16). */
const CONCURRENCY = 50;
/** Commands sent first, not measured. */
const WARM_UP = 50;
/** Slack's deadline for the acknowledgement. */
const BUDGET_MS = 3000;
/** What should feel instant (issue 16); printed, not enforced. */
const TARGET_P99_MS = 100;
const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
/**
 * A folder: writes a CPU profile of the backend's thread during each
 * measured burst there (`<database>.cpuprofile`, for Chrome's DevTools).
 */
const PROFILE_ENV = 'BENCH_CPU_PROFILE';

const ADA = 'U2147483697';
const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name: 'ada.lovelace',
      namespace: 'default',
      annotations: { 'slack.com/user-id': ADA },
    },
    spec: { profile: { displayName: 'Ada Lovelace' } },
  },
];

interface SignedCommand {
  triggerId: string;
  body: string;
  headers: Record<string, string>;
}

interface Burst {
  latencies: number[];
  failures: string[];
  seconds: number;
}

/*
 * Slack's side runs on a thread of its own, with its own keep-alive
 * connections (CONCURRENCY of them, opened by the warm-up): Slack is
 * another machine, so its CPU must not queue behind the backend's event
 * loop, nor share a connection pool with the backend's own requests to
 * itself (permission and catalog calls of the jobs). Plain JavaScript,
 * as a worker thread is not run through the TypeScript loader.
 */
const SLACK_CLIENT = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const agent = new http.Agent({ keepAlive: true, maxSockets: ${CONCURRENCY} });
function post(url, command) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: command.headers }, response => {
      let answer = '';
      response.setEncoding('utf8');
      response.on('data', chunk => (answer += chunk));
      response.on('end', () => resolve({ status: response.statusCode, answer }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(command.body);
  });
}
parentPort.on('message', async ({ url, commands }) => {
  const latencies = [];
  const failures = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: ${CONCURRENCY} }, async () => {
    while (next < commands.length) {
      const command = commands[next++];
      const sent = performance.now();
      try {
        const { status, answer } = await post(url, command);
        latencies.push(performance.now() - sent);
        // The inbox acknowledges a command with an empty 200.
        if (status !== 200 || answer !== '') {
          failures.push(command.triggerId + ': ' + status + ' ' + answer);
        }
      } catch (error) {
        failures.push(command.triggerId + ': ' + error);
      }
    }
  }));
  parentPort.postMessage({ latencies, failures, seconds: (performance.now() - started) / 1000 });
});
`;

/** Slack's side: sends commands, CONCURRENCY at a time, from its thread. */
function startSlackClient() {
  const worker = new Worker(SLACK_CLIENT, { eval: true });
  return {
    send(url: string, commands: SignedCommand[]): Promise<Burst> {
      return new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ url, commands });
      });
    },
    close: () => worker.terminate(),
  };
}

interface Measured {
  latencies: number[];
  failures: string[];
  seconds: number;
  recorded: number;
  /** The backend thread's CPU (user + system) during the burst, ms. */
  cpuMs: number;
  /** Commands the job worker had finished running when the burst ended. */
  ranDuringBurst: number;
  timings: AckTimings;
}

async function measure(database: BenchDatabase): Promise<Measured> {
  const fake = await startFakeSlack({
    users: [{ id: ADA, name: 'ada.lovelace' }],
    channels: [{ name: 'incidents', members: [FAKE_BOT_USER_ID, ADA] }],
  });
  const channelId = fake.channel('incidents')!.id;
  const recording = recordAckTimings();
  const { backend } = await startSlackBackend({
    fake,
    entities,
    // The job queue's production defaults, not the tests' fast polling.
    multivac: { jobs: {} },
    config: { backend: { database: database.config } },
    features: [recording.module],
  });
  const url = `http://127.0.0.1:${backend.server.port()}/api/multivac/slack/commands`;
  /** Signed now: Slack's signatures are good for five minutes. */
  const signed = (run: string, count: number): SignedCommand[] =>
    Array.from({ length: count }, (_, index) => {
      const triggerId = `bench.${run}.${index}`;
      const body = new URLSearchParams(
        slashCommand({
          text: 'help',
          user_id: ADA,
          channel_id: channelId,
          trigger_id: triggerId,
        }),
      ).toString();
      return {
        triggerId,
        body,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          ...signSlackRequest(SIGNING_SECRET, body),
        },
      };
    });

  const slack = startSlackClient();
  const db = database.connect();
  try {
    // Warms up the JIT, the connections and the database; not measured.
    await slack.send(url, signed('warmup', WARM_UP));
    // Lets the warm-up's commands run, so the burst starts from quiet.
    await waitForJobs(db, 'bench.warmup.%', WARM_UP);
    const commands = signed('measured', COMMANDS);
    recording.timings.reset();
    const profile = await startProfile();
    const cpuBefore = process.threadCpuUsage();
    const { latencies, failures, seconds } = await slack.send(url, commands);
    const cpu = process.threadCpuUsage(cpuBefore);
    await profile.stop(database.name);
    const ranDuringBurst = await finishedJobs(db, 'bench.measured.%');
    // The answers are not all out before the commands have run.
    await waitForJobs(db, 'bench.measured.%', COMMANDS);

    const [{ count }] = await db('multivac_jobs')
      .where('type', 'slack.delivery')
      .andWhere(
        'idempotency_key',
        'like',
        'slack.delivery:command:bench.measured.%',
      )
      .count({ count: '*' });
    return {
      latencies,
      failures,
      seconds,
      recorded: Number(count),
      cpuMs: (cpu.user + cpu.system) / 1000,
      ranDuringBurst,
      timings: recording.timings,
    };
  } finally {
    recording.timings.close();
    await slack.close();
    await db.destroy();
    await backend.stop();
    await fake.close();
  }
}

type Db = ReturnType<BenchDatabase['connect']>;

/** Delivery jobs of commands whose trigger id is like `pattern` that ended. */
async function finishedJobs(db: Db, pattern: string): Promise<number> {
  const [{ count }] = await db('multivac_jobs')
    .where('idempotency_key', 'like', `slack.delivery:command:${pattern}`)
    .whereIn('status', ['succeeded', 'failed'])
    .count({ count: '*' });
  return Number(count);
}

async function waitForJobs(db: Db, pattern: string, expected: number) {
  const deadline = Date.now() + 120_000;
  while ((await finishedJobs(db, pattern)) < expected) {
    if (Date.now() > deadline) {
      throw new Error(`The ${pattern} commands did not all run in 2 minutes`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** A CPU profile of this thread (the backend's) when PROFILE_ENV is set. */
async function startProfile() {
  const folder = process.env[PROFILE_ENV];
  if (!folder) {
    return { stop: async (_name: string) => {} };
  }
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(name: string) {
      const { profile } = await session.post('Profiler.stop');
      const file = `${folder}/${name.replace(/\W+/g, '-')}.cpuprofile`;
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`${name}: CPU profile of the burst in ${file}`);
    },
  };
}

/** The signature check's CPU per request, timed apart (ms). */
function signatureCheckMs(): number {
  const body = new URLSearchParams(
    slashCommand({ text: 'help', user_id: ADA, trigger_id: 'bench.sig' }),
  ).toString();
  const headers = signSlackRequest(SIGNING_SECRET, body);
  const request = {
    signingSecret: SIGNING_SECRET,
    body: Buffer.from(body),
    timestamp: headers['X-Slack-Request-Timestamp'],
    signature: headers['X-Slack-Signature'],
  };
  const rounds = 20_000;
  for (let i = 0; i < 1000; i++) verifySlackRequest(request);
  const started = performance.now();
  for (let i = 0; i < rounds; i++) verifySlackRequest(request);
  return (performance.now() - started) / rounds;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const spread = (values: number[]) =>
  `p50 ${ms(percentile(values, 50))} p99 ${ms(percentile(values, 99))}`;

/** Prints one database's figures; returns what failed, if anything. */
function report(name: string, result: Measured): string[] {
  const { latencies, failures, seconds, recorded, cpuMs, timings } = result;
  const sorted = [...latencies].sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  console.log(
    `${name}: p50 ${ms(percentile(latencies, 50))}  p95 ${ms(
      percentile(latencies, 95),
    )}  p99 ${ms(p99)}  max ${ms(
      sorted[sorted.length - 1] ?? NaN,
    )}  (${Math.round(COMMANDS / seconds)} commands/s)`,
  );
  console.log(
    `${name}: ${
      COMMANDS - failures.length
    } of ${COMMANDS} acknowledged, ${recorded} deliveries recorded; p99 ${(
      p99 / TARGET_P99_MS
    ).toFixed(2)}× the ${TARGET_P99_MS} ms target${
      p99 < TARGET_P99_MS ? '' : ' (missed)'
    }`,
  );
  console.log(
    `${name}: in the backend: request to answer ${spread(
      timings.server,
    )}; waiting for a connection ${spread(
      timings.acquire,
    )}; the insert ${spread(
      timings.insert,
    )}; the job worker's waits for a connection ${spread(
      timings.otherAcquire,
    )}; at most ${timings.peakInUse} connections in use`,
  );
  console.log(
    `${name}: backend thread CPU ${ms(cpuMs)} over the burst, ${(
      cpuMs / COMMANDS
    ).toFixed(2)} ms per command; ${
      result.ranDuringBurst
    } of the ${COMMANDS} commands were run by the job worker during the burst`,
  );
  return [
    ...failures.map(failure => `${name}: ${failure}`),
    ...(recorded === COMMANDS
      ? []
      : [`${name}: ${recorded} deliveries recorded for ${COMMANDS} commands`]),
    ...(p99 < BUDGET_MS
      ? []
      : [`${name}: p99 ${ms(p99)} is not under ${BUDGET_MS} ms`]),
  ];
}

async function main() {
  console.log(
    `Slack command acknowledgements: ${COMMANDS} signed commands, ${CONCURRENCY} at a time, recorded as jobs before the answer; Slack waits ${BUDGET_MS} ms`,
  );
  const databases = [sqliteFile('slack-ack')];
  const connectionString = process.env[POSTGRES_ENV];
  if (connectionString) {
    databases.push(postgres(connectionString, 'slack-ack'));
  } else {
    console.log(`PostgreSQL skipped: ${POSTGRES_ENV} is not set`);
  }
  console.log(
    `the signature check alone: ${(signatureCheckMs() * 1000).toFixed(
      1,
    )} µs of CPU per request; load average ${os
      .loadavg()
      .map(load => load.toFixed(2))
      .join(' ')} at the start`,
  );
  const problems: string[] = [];
  for (const database of databases) {
    try {
      problems.push(...report(database.name, await measure(database)));
    } finally {
      await database.remove();
    }
  }
  for (const problem of problems.slice(0, 10)) {
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
  // The test backend leaves its knex pools open after stopping (a test
  // process ends anyway), so this one would not end by itself.
  .finally(() => process.exit());
