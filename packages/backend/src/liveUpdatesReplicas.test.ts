import eventsPlugin from '@backstage/plugin-events-backend';
import signalsPlugin from '@backstage/plugin-signals-backend';
import knexFactory from 'knex';
import crypto from 'node:crypto';
import { DemoBackend, startDemoBackend } from './__testUtils__/demoBackend';

jest.setTimeout(180_000);

type Replica = DemoBackend;

/** A signal as a browser receives it, and when (`performance.now()`). */
interface Received {
  at: number;
  signal: { channel: string; message: { kind: string; id: string } };
}

/** A browser's signals connection, subscribed to `channels`. */
async function listen(replica: Replica, channels: string[], token?: string) {
  const received: Received[] = [];
  const url = `${replica.baseUrl.replace('http', 'ws')}/api/signals`;
  // The signals backend hooks the server's upgrades on the first request
  // that reaches it, so the very first connection may fail (the frontend's
  // SignalClient reconnects too).
  let ws: WebSocket | undefined;
  for (let attempt = 1; !ws; attempt++) {
    const socket = token ? new WebSocket(url, token) : new WebSocket(url);
    const opened = await new Promise<boolean>(resolve => {
      const timer = setTimeout(() => resolve(false), 2_000);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve(true);
      };
      socket.onerror = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
    if (opened) {
      ws = socket;
    } else {
      socket.close();
      if (attempt === 5) {
        throw new Error(`no WebSocket to ${url}`);
      }
    }
  }
  ws.onmessage = event =>
    received.push({
      at: performance.now(),
      signal: JSON.parse(String(event.data)),
    });
  for (const channel of channels) {
    ws.send(JSON.stringify({ action: 'subscribe', channel }));
  }
  // The subscription is a message too: let it arrive before anything changes.
  await new Promise(resolve => setTimeout(resolve, 200));
  return { received, close: () => ws.close() };
}

/** Waits until `received` has `count` signals, or `timeoutMs` passed. */
async function waitFor(
  received: Received[],
  count: number,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (received.length < count && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

/** POST `body` as JSON to `replica` as its guest user. */
async function post(replica: Replica, path: string, body: unknown) {
  const res = await fetch(`${replica.baseUrl}/api/multivac${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${replica.token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 201) {
    throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
  }
  return json;
}

const declareIncident = (replica: Replica) =>
  post(replica, '/incidents', {
    title: 'Checkout payments failing',
    severity: 'SEV3',
    entityRefs: ['component:default/payments-api'],
  });

/**
 * What two replicas behind a load balancer do with signals when the backend
 * has no events backend (`@backstage/plugin-events-backend`), so no events
 * bus: each browser's WebSocket ends on one replica, and a signal reaches
 * only the browsers whose WebSocket ends on the replica that made the change.
 * `events.useEventBus` is Backstage's default, `auto`. The replicas have a
 * database each here: without the events backend signals do not go through
 * the database, so sharing one changes nothing.
 */
describe('live updates across two replicas without an events bus', () => {
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    a = await startDemoBackend({ features: [signalsPlugin] });
    b = await startDemoBackend({ features: [signalsPlugin] });
    await a.waitForEntities(['component:default/payments-api']);
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('reaches the browsers on the replica that made the change, not the others', async () => {
    const onA = await listen(a, ['multivac:incidents'], a.token);
    const onB = await listen(b, ['multivac:incidents'], b.token);
    // The signals backend takes connections without a token (as a guest),
    // and a broadcast reaches them too: signals carry only ids.
    const anonymousOnA = await listen(a, ['multivac:incidents']);
    try {
      const incident = await declareIncident(a);

      await waitFor(onA.received, 1);
      expect(onA.received[0]?.signal).toEqual({
        channel: 'multivac:incidents',
        message: { kind: 'incident', id: incident.id, at: expect.any(String) },
      });
      await waitFor(anonymousOnA.received, 1);
      expect(anonymousOnA.received.length).toBeGreaterThan(0);
      // Replica B's browsers hear nothing, however long they wait.
      await new Promise(resolve => setTimeout(resolve, 2_000));
      expect(onB.received).toEqual([]);
    } finally {
      onA.close();
      onB.close();
      anonymousOnA.close();
    }
  });
});

/**
 * A replica's stop waits for its own events long poll to end, which the
 * events backend answers after `events.notifyTimeoutMs` (55 s by default)
 * when nothing happens; 5 s keeps these tests short. Delivery does not
 * depend on it: an event ends the poll at once.
 */
const shortPolls = { events: { notifyTimeoutMs: 5_000 } };

/**
 * The demo backend as `npm start` runs it (SQLite, one process) with the
 * events backend, as `packages/backend/src/index.ts` adds it: on a database
 * other than PostgreSQL the bus keeps its events in memory. A signal still
 * reaches the process's browsers, once (the bus does not deliver again what
 * the process delivered itself).
 */
describe('live updates with the events backend on SQLite (npm start)', () => {
  let backend: Replica;

  beforeAll(async () => {
    backend = await startDemoBackend({
      features: [signalsPlugin, eventsPlugin],
      config: shortPolls,
    });
    await backend.waitForEntities(['component:default/payments-api']);
  });

  afterAll(() => backend?.stop());

  it('reaches the browsers of the one process, once per change', async () => {
    const incident = await declareIncident(backend);
    const browser = await listen(
      backend,
      [`multivac:incident:${incident.id}`],
      backend.token,
    );
    try {
      // A note is one change, so one signal: through the bus again would be two.
      for (let i = 1; i <= 3; i++) {
        await post(backend, `/incidents/${incident.reference}/notes`, {
          text: `Note ${i}`,
        });
        await waitFor(browser.received, i);
      }
      await new Promise(resolve => setTimeout(resolve, 2_000));
      expect(browser.received.map(r => r.signal)).toEqual(
        Array(3).fill({
          channel: `multivac:incident:${incident.id}`,
          message: {
            kind: 'incident',
            id: incident.id,
            at: expect.any(String),
          },
        }),
      );
    } finally {
      browser.close();
    }
  });
});

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const describeOnPostgres =
  process.env[POSTGRES_ENV] || process.env.CI ? describe : describe.skip;

/**
 * Two replicas as in production: the events backend, both on one PostgreSQL
 * database (a fresh one per run, each plugin in a schema of it). A browser's
 * WebSocket on replica B gets the signal of a change made through replica A:
 * A's events service posts the event to A's events backend, which stores it
 * and notifies (PostgreSQL NOTIFY) B's events backend, whose long poll for
 * B's signals subscription returns it.
 */
describeOnPostgres(
  'live updates across two replicas with the events bus on one PostgreSQL',
  () => {
    const NOTES = 10;
    const database = `multivac_live_${crypto.randomBytes(6).toString('hex')}`;
    let server: string;
    let a: Replica;
    let b: Replica;

    beforeAll(async () => {
      const connection = process.env[POSTGRES_ENV];
      if (!connection) {
        throw new Error(`${POSTGRES_ENV} is not set (CI must set it)`);
      }
      server = connection;
      const url = new URL(server);
      url.pathname = `/${database}`;
      // The database does not exist yet: Backstage creates it
      // (backend.database.ensureExists), then a schema per plugin.
      const config = {
        // As app-config.production.yaml.
        events: { ...shortPolls.events, useEventBus: 'always' },
        backend: {
          database: {
            client: 'pg',
            connection: url.toString(),
            pluginDivisionMode: 'schema',
          },
        },
      };
      a = await startDemoBackend({
        features: [signalsPlugin, eventsPlugin],
        config,
      });
      b = await startDemoBackend({
        features: [signalsPlugin, eventsPlugin],
        config,
      });
      await a.waitForEntities(['component:default/payments-api']);
    });

    afterAll(async () => {
      await b?.stop();
      await a?.stop();
      if (server) {
        const admin = knexFactory({ client: 'pg', connection: server });
        try {
          await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [
            database,
          ]);
        } finally {
          await admin.destroy();
        }
      }
    });

    it("reaches a browser on replica B when a note is added through replica A's REST API", async () => {
      const incident = await declareIncident(a);
      const channel = `multivac:incident:${incident.id}`;
      const onA = await listen(a, [channel], a.token);
      const onB = await listen(b, [channel], b.token);
      const anonymousOnB = await listen(b, [channel]);
      try {
        // From A's HTTP response to the first new signal on B.
        const afterResponse: number[] = [];
        for (let i = 1; i <= NOTES; i++) {
          const before = onB.received.length;
          await post(a, `/incidents/${incident.reference}/notes`, {
            text: `Note ${i} from a browser on replica A`,
          });
          const answered = performance.now();
          await waitFor(onB.received, before + 1);
          expect(onB.received.length).toBeGreaterThan(before);
          afterResponse.push(onB.received[before].at - answered);
        }
        // Let late signals (e.g. of the declaration's jobs) arrive.
        await new Promise(resolve => setTimeout(resolve, 2_000));

        // Every signal of A's browser reached B's browsers, once each.
        const signals = (received: Received[]) =>
          received.map(r => JSON.stringify(r.signal)).sort();
        expect(signals(onB.received)).toEqual(signals(onA.received));
        expect(signals(anonymousOnB.received)).toEqual(signals(onA.received));
        // A note is one change, so one signal.
        const notes = onB.received.filter(
          r => r.signal.message.kind === 'incident',
        );
        expect(notes).toHaveLength(NOTES);
        for (const { signal } of onB.received) {
          expect(signal).toEqual({
            channel,
            message: {
              kind: expect.any(String),
              id: expect.any(String),
              at: expect.any(String),
            },
          });
        }
        expect(notes[0].signal.message.id).toBe(incident.id);

        // What the bus adds: B's copy after A's (both browsers are here).
        const onAAt = new Map<string, number[]>();
        for (const r of onA.received) {
          const k = JSON.stringify(r.signal);
          onAAt.set(k, [...(onAAt.get(k) ?? []), r.at]);
        }
        const busDelay = onB.received.map(
          r => r.at - onAAt.get(JSON.stringify(r.signal))!.shift()!,
        );
        const summary = (ms: number[]) => {
          const sorted = [...ms].sort((x, y) => x - y);
          return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(
            1,
          )} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
        };
        // eslint-disable-next-line no-console
        console.log(
          `${NOTES} notes through replica A; on replica B: ` +
            `after A's HTTP response ${summary(afterResponse)}; ` +
            `after A's own browser got the same signal ${summary(busDelay)} (${
              onB.received.length
            } signals)`,
        );
      } finally {
        onA.close();
        onB.close();
        anonymousOnB.close();
      }
    });
  },
);
