/*
 * How fast the Slack routes acknowledge slash commands: Slack gives up after
 * 3 seconds. 200 signed commands, 20 at a time, over HTTP to the real router,
 * twice: with an inbox that keeps deliveries in memory (the router alone),
 * then with one that inserts each in SQLite (a file: a durable write) before
 * answering. See
 * plugins/multivac-backend-module-slack/README.md.
 */
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import knex, { Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { signSlackRequest } from '../plugins/multivac-backend-module-slack/src/__testUtils__/signSlackRequest';
import { slashCommand } from '../plugins/multivac-backend-module-slack/src/__testUtils__/slackPayloads';
import { createSlackRouter } from '../plugins/multivac-backend-module-slack/src/transport/createSlackRouter';
import {
  SlackCommandAck,
  SlackDelivery,
  SlackInbox,
} from '../plugins/multivac-backend-module-slack/src/transport/types';

const COMMANDS = 200;
const CONCURRENCY = 20;
/** Commands sent first, not measured. */
const WARM_UP = 20;
/** Slack's deadline for the acknowledgement. */
const BUDGET_MS = 3000;
const SIGNING_SECRET = 'bench-signing-secret';
const ACK: SlackCommandAck = {
  response_type: 'ephemeral',
  text: 'Declaring the incident…',
};

interface Pass {
  inbox: SlackInbox;
  /** How many deliveries the inbox holds. */
  recorded(): Promise<number>;
}

/** Deliveries kept in memory: what the router alone costs. */
function inMemory(): Pass {
  const deliveries = new Map<string, SlackDelivery>();
  return {
    inbox: {
      async receive(delivery) {
        deliveries.set(`${delivery.kind}:${delivery.dedupKey}`, delivery);
        return ACK;
      },
    },
    recorded: async () => deliveries.size,
  };
}

/** Deliveries inserted in SQLite, in its default (rollback journal) mode. */
async function inSqlite(file: string): Promise<Pass & { db: Knex }> {
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  });
  await db.schema.createTable('slack_deliveries', table => {
    table.string('kind').notNullable();
    table.string('dedup_key').notNullable();
    table.text('delivery').notNullable();
    table.bigInteger('received_at').notNullable();
    table.primary(['kind', 'dedup_key']);
  });
  return {
    db,
    inbox: {
      async receive(delivery) {
        await db('slack_deliveries')
          .insert({
            kind: delivery.kind,
            dedup_key: delivery.dedupKey,
            delivery: JSON.stringify(delivery),
            received_at: Date.now(),
          })
          .onConflict(['kind', 'dedup_key'])
          .ignore();
        return ACK;
      },
    },
    async recorded() {
      const [{ count }] = await db('slack_deliveries').count({ count: '*' });
      return Number(count);
    },
  };
}

/** Fires the signed commands at the router; latencies and failures. */
async function fire(pass: Pass) {
  const app = express();
  app.use(
    createSlackRouter({
      signingSecret: SIGNING_SECRET,
      inbox: pass.inbox,
      logger: mockServices.rootLogger({ level: 'warn' }),
    }),
  );
  app.use(mockErrorHandler());
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const url = `http://127.0.0.1:${
    (server.address() as AddressInfo).port
  }/slack/commands`;

  const latencies: number[] = [];
  const failures: string[] = [];
  async function send(i: number) {
    const body = new URLSearchParams(
      slashCommand({ trigger_id: `bench.${i}.${Date.now()}` }),
    ).toString();
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          ...signSlackRequest(SIGNING_SECRET, body),
        },
        body,
      });
      const answer = await response.text();
      latencies.push(performance.now() - started);
      if (response.status !== 200 || answer !== JSON.stringify(ACK)) {
        failures.push(`command ${i}: ${response.status} ${answer}`);
      }
    } catch (error) {
      failures.push(`command ${i}: ${error}`);
    }
  }
  /** Sends commands `from` to `to` - 1, CONCURRENCY at a time. */
  async function burst(from: number, to: number) {
    let next = from;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < to) {
          await send(next++);
        }
      }),
    );
  }
  // Warms up the JIT, connections and the database; not measured.
  await burst(COMMANDS, COMMANDS + WARM_UP);
  latencies.length = 0;
  const started = performance.now();
  await burst(0, COMMANDS);
  const seconds = (performance.now() - started) / 1000;
  server.closeAllConnections();
  server.close();

  const recorded = await pass.recorded();
  if (recorded !== COMMANDS + WARM_UP - failures.length) {
    failures.push(
      `the inbox holds ${recorded} deliveries, expected ${
        COMMANDS + WARM_UP - failures.length
      }`,
    );
  }
  return { latencies, failures, seconds };
}

/** Prints one pass; returns what failed, if anything. */
function report(
  name: string,
  { latencies, failures, seconds }: Awaited<ReturnType<typeof fire>>,
): string[] {
  const sorted = [...latencies].sort((a, b) => a - b);
  // Nearest rank.
  const percentile = (p: number) =>
    sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const p99 = percentile(99);
  console.log(
    `${name}: p50 ${ms(percentile(50))}  p90 ${ms(percentile(90))}  p99 ${ms(
      p99,
    )}  max ${ms(sorted[sorted.length - 1] ?? NaN)}  (${Math.round(
      COMMANDS / seconds,
    )} commands/s)`,
  );
  console.log(
    `${name}: ${COMMANDS - failures.length} passed, ${failures.length} failed`,
  );
  return [
    ...failures.map(failure => `${name}: ${failure}`),
    ...(p99 < BUDGET_MS
      ? []
      : [`${name}: p99 ${ms(p99)} is not under ${BUDGET_MS} ms`]),
  ];
}

async function main() {
  console.log(
    `Slack command acknowledgements: ${COMMANDS} signed commands, ${CONCURRENCY} at a time; Slack waits ${BUDGET_MS} ms`,
  );
  const problems = report('in-memory inbox', await fire(inMemory()));

  const directory = mkdtempSync(join(tmpdir(), 'slack-ack-'));
  const sqlite = await inSqlite(join(directory, 'inbox.sqlite'));
  try {
    problems.push(...report('SQLite inbox', await fire(sqlite)));
  } finally {
    await sqlite.db.destroy();
    rmSync(directory, { recursive: true });
  }

  for (const problem of problems.slice(0, 10)) {
    console.log(`FAIL ${problem}`);
  }
  if (problems.length > 0) {
    process.exitCode = 1;
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
