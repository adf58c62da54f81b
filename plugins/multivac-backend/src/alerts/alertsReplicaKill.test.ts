import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { AlertsReplicaSettings } from '../__testUtils__/alertsReplicaProcess';
import { schedules } from '../__testUtils__/testBackend';
import alertmanagerFixture from './__fixtures__/alertmanager.json';

jest.setTimeout(150_000);

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
if (process.env.CI && !process.env[POSTGRES_ENV]) {
  throw new Error(`${POSTGRES_ENV} is not set: CI must run this test`);
}

const SECRET = 'test-secret-0123456789';
const ENTITY = 'component:default/payments-api';
/** Deliveries sent after the kill, at least: the burst goes on. */
const AFTER_KILL = 20;
/** The burst gives up when the doomed replica never claimed a job. */
const MAX_DELIVERIES = 1000;
/**
 * Processing jobs the doomed replica must hold when it is killed: a batch.
 * Its first claim is usually one job; while it hangs on it (until the
 * attempt's deadline), the burst builds a backlog that the next claim takes
 * together.
 */
const MIN_HELD = 2;

interface Replica {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

/** A backend replica in its own process, so that it can be SIGKILLed. */
async function startReplica(
  settings: AlertsReplicaSettings,
  onStall?: () => void,
): Promise<Replica> {
  const child = fork(
    join(__dirname, '..', '__testUtils__', 'alertsReplicaProcess.ts'),
    {
      execArgv: ['--require', '@backstage/cli/config/nodeTransform.cjs'],
      env: {
        ...process.env,
        LOG_LEVEL: 'error',
        MULTIVAC_ALERTS_REPLICA: JSON.stringify(settings),
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const exited = new Promise(resolve => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    // The CLI's TypeScript loader sends messages of its own too.
    child.on('message', (message: { port?: number; stalled?: boolean }) => {
      if (typeof message?.port === 'number') {
        resolve(message.port);
      } else if (message?.stalled) {
        onStall?.();
      }
    });
    child.once('exit', code =>
      reject(new Error(`replica exited with ${code} before serving`)),
    );
  });
  return { child, url: `http://127.0.0.1:${port}`, exited };
}

/** Alertmanager's notification of alert `n` (its own fingerprint). */
function notification(n: number) {
  const [alert] = alertmanagerFixture.alerts;
  return {
    ...alertmanagerFixture,
    alerts: [
      {
        ...alert,
        labels: { ...alert.labels, instance: `payments-api-${n}:8080` },
        fingerprint: `fp${String(n).padStart(4, '0')}`,
      },
    ],
  };
}

const dedupKey = (n: number) =>
  `${notification(n).alerts[0].fingerprint}:${new Date(
    alertmanagerFixture.alerts[0].startsAt,
  ).toISOString()}`;

/** Sends a delivery; the status, or 0 when no answer came. */
async function deliver(url: string, n: number): Promise<number> {
  try {
    const res = await fetch(`${url}/api/multivac/alerts/integrations/prom`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${SECRET}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(notification(n)),
    });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

// PostgreSQL only: skipped without one (outside CI, which requires it).
const describeOnPostgres = process.env[POSTGRES_ENV] ? describe : describe.skip;

describeOnPostgres('alert ingest with a replica killed mid-burst', () => {
  const databases = TestDatabases.create({
    ids: ['POSTGRES_15'],
    disableDocker: true,
  });
  const replicas: Replica[] = [];

  afterEach(async () => {
    for (const { child, exited } of replicas.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
  });

  it.each(databases.eachSupportedId())(
    'stores and processes every accepted delivery once, and pages once (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      // Each plugin has its own schema of the database.
      const jobs = () => knex('multivac.multivac_jobs');
      const settings: AlertsReplicaSettings = {
        connection: knex.client.config.connection,
        multivac: {
          onCall: { schedules },
          // A lost lease is taken over after 3 seconds.
          jobs: {
            pollIntervalSeconds: 0.2,
            leaseSeconds: 3,
            timeoutSeconds: 2,
            initialBackoffSeconds: 0.5,
            maxBackoffSeconds: 1,
          },
          alerts: {
            integrations: [
              {
                id: 'prom',
                name: 'Prometheus',
                vendor: 'alertmanager',
                secrets: [SECRET],
              },
            ],
          },
        },
      };

      // The doomed replica hangs in the catalog once it routes the alerts
      // of the processing jobs it claimed; it is killed right then, once the
      // database shows a batch of them running (see MIN_HELD). Only one
      // replica runs the ordered jobs of an integration at a time, so those
      // are the doomed replica's.
      let killed = false;
      let sentAtKill = 0;
      let sent = 0;
      let heldAtKill: Array<{ id: string; payload: string }> = [];
      let killing: Promise<void> | undefined;
      let doomed: Replica | undefined = undefined;
      const onStall = () => {
        if (killing) {
          return;
        }
        killing = (async () => {
          const held = await jobs()
            .where({ type: 'alert.process', status: 'running' })
            .where('locked_until', '>', new Date())
            .select('id', 'payload');
          // A batch, or any claim once the burst is well under way.
          if (held.length < MIN_HELD && sent < MAX_DELIVERIES / 2) {
            killing = undefined;
            return;
          }
          heldAtKill = held;
          doomed!.child.kill('SIGKILL');
          killed = true;
          sentAtKill = sent;
          await doomed!.exited;
        })();
      };
      doomed = await startReplica({ ...settings, stallRouting: true }, onStall);
      replicas.push(doomed);
      const survivor = await startReplica(settings);
      replicas.push(survivor);

      // Alertmanager in HA: each notification from two instances, one to
      // each replica; a few in flight at once.
      const outcomes: Array<{ n: number; status: number }> = [];
      const inFlight = new Set<Promise<void>>();
      while (!killed || sent < sentAtKill + AFTER_KILL) {
        if (sent >= MAX_DELIVERIES) {
          break;
        }
        const k = sent++;
        const n = Math.floor(k / 2);
        const target = k % 2 === 0 ? doomed : survivor;
        const send: Promise<void> = deliver(target.url, n).then(status => {
          outcomes.push({ n, status });
          inFlight.delete(send);
        });
        inFlight.add(send);
        if (inFlight.size >= 4) {
          await Promise.race(inFlight);
        }
        await new Promise(resolve => setTimeout(resolve, 20));
      }
      await Promise.all(inFlight);
      await killing;
      expect(killed).toBe(true);
      // The kill landed mid-burst, while the doomed replica held claimed
      // processing jobs (nobody else runs them while its lease lasts).
      expect(sentAtKill).toBeGreaterThan(0);
      expect(heldAtKill.length).toBeGreaterThan(0);
      expect(sent).toBeGreaterThan(sentAtKill);
      const notifications = Math.ceil(sent / 2);

      // What got no answer (or no 202) the sender retries, to the survivor.
      const unanswered = outcomes.filter(o => o.status !== 202);
      expect(unanswered.length).toBeGreaterThan(0);
      const retried = await Promise.all(
        unanswered.map(o => deliver(survivor.url, o.n)),
      );
      expect(retried).toEqual(unanswered.map(() => 202));

      const expectedKeys = Array.from({ length: notifications }, (_, n) =>
        dedupKey(n),
      );
      const settled = async () => {
        const now = new Date();
        const [alerts, unfinished, held, groups] = await Promise.all([
          knex('multivac.multivac_alerts').select('dedup_key', 'entity_ref'),
          jobs()
            .where('status', 'running')
            .orWhere(q =>
              q.where('status', 'pending').where('run_after', '<=', now),
            )
            .select('id', 'type', 'status'),
          jobs()
            .whereIn(
              'id',
              heldAtKill.map(j => j.id),
            )
            .select('id', 'status', 'attempts'),
          knex('multivac.multivac_alert_groups')
            .where({ entity_ref: ENTITY })
            .select('id', 'page_id'),
        ]);
        return { alerts, unfinished, held, groups };
      };
      const deadline = Date.now() + 40_000;
      let state = await settled();
      while (
        !(
          state.alerts.length >= notifications &&
          state.unfinished.length === 0 &&
          state.groups.every(g => g.page_id)
        ) &&
        Date.now() < deadline
      ) {
        await new Promise(resolve => setTimeout(resolve, 250));
        state = await settled();
      }
      // Give a duplicate every chance to show up: jobs poll every 0.2 s.
      await new Promise(resolve => setTimeout(resolve, 1500));
      state = await settled();

      // Every notification is one alert, none twice.
      const keys = state.alerts.map(a => a.dedup_key).sort();
      expect(keys).toEqual(expectedKeys.sort());
      expect(state.alerts.every(a => a.entity_ref === ENTITY)).toBe(true);
      // Nothing left running or due; the jobs held by the dead replica were
      // run again by the survivor once their lease expired.
      expect(state.unfinished).toEqual([]);
      expect(state.held.map(j => j.status)).toEqual(
        heldAtKill.map(() => 'succeeded'),
      );
      // Claimed again by the survivor: an attempt more than the dead one's.
      expect(state.held.every(j => Number(j.attempts) >= 2)).toBe(true);
      expect(
        await jobs().where({ status: 'failed' }).select('id', 'type'),
      ).toEqual([]);
      // One group of the service, paged once.
      expect(state.groups).toHaveLength(1);
      expect(state.groups[0].page_id).toBeTruthy();
      const pages = await knex('multivac.multivac_pages')
        .where({ entity_ref: ENTITY })
        .select('id');
      expect(pages).toEqual([{ id: state.groups[0].page_id }]);

      // The survivor shows them so.
      const listed = await fetch(`${survivor.url}/api/multivac/alerts`, {
        headers: {
          Authorization: mockCredentials.user.header(
            'user:default/ada.lovelace',
          ),
        },
      });
      expect(listed.status).toBe(200);
      expect((await listed.json()).totalCount).toBe(notifications);
    },
  );
});
