import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ReconcileStore } from './ReconcileStore';

jest.setTimeout(60_000);

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
if (process.env.CI && !process.env[POSTGRES_ENV]) {
  throw new Error(
    `${POSTGRES_ENV} is not set: CI must run the store tests on PostgreSQL too`,
  );
}

const REF = 'schedule:default/payments-primary';

describe('ReconcileStore', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });

  async function createStores(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const database = { getClient: async () => knex };
    // Two replicas sharing the database.
    return [
      await ReconcileStore.create(database),
      await ReconcileStore.create(database),
    ];
  }

  it.each(databases.eachSupportedId())(
    'keeps the ids PagerDuty gave, step by step, on %p',
    async databaseId => {
      const [store] = await createStores(databaseId);
      expect(await store.get(REF)).toBeUndefined();

      await store.recordIds(REF, 'default', { scheduleId: 'PSCH1' });
      await store.recordIds(REF, 'default', { escalationPolicyId: 'PEP1' });
      await store.recordIds(REF, 'default', { serviceIds: ['PSVC1'] });

      expect(await store.get(REF)).toEqual({
        entityRef: REF,
        account: 'default',
        specHash: null,
        attemptedHash: null,
        status: 'pending',
        attempts: 0,
        lastError: null,
        lastRunAt: null,
        nextAttemptAt: null,
        pagerDuty: {
          scheduleId: 'PSCH1',
          escalationPolicyId: 'PEP1',
          serviceIds: ['PSVC1'],
        },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'lets one of two runs at once hold a schedule, and records its outcome, on %p',
    async databaseId => {
      const [a, b] = await createStores(databaseId);
      const claims = await Promise.all([
        a.claim(REF, 'default', 'run-a', 1, 'h1'),
        b.claim(REF, 'default', 'run-b', 1, 'h1'),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = claims[0] ? 'run-a' : 'run-b';
      const loser = claims[0] ? 'run-b' : 'run-a';
      expect(await a.get(REF)).toMatchObject({
        status: 'running',
        attempts: 1,
        lastRunAt: expect.any(String),
      });

      // The other run's outcome is not written.
      await b.finish(REF, loser, { status: 'failed', error: 'not mine' });
      expect((await a.get(REF))!.status).toBe('running');

      const nextAttemptAt = new Date('2026-12-06T10:00:00.000Z');
      await a.finish(REF, winner, {
        status: 'retrying',
        error: 'PagerDuty answered 503',
        nextAttemptAt,
      });
      expect(await a.get(REF)).toMatchObject({
        status: 'retrying',
        lastError: 'PagerDuty answered 503',
        nextAttemptAt: nextAttemptAt.toISOString(),
      });

      // Its next attempt takes it again; so could anyone, it is not running.
      expect(await a.claim(REF, 'default', winner, 2, 'h1')).toBe(true);
      await a.finish(REF, winner, { status: 'succeeded', specHash: 'abc' });
      expect(await b.get(REF)).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        lastError: null,
        nextAttemptAt: null,
        specHash: 'abc',
        attemptedHash: 'h1',
      });

      // Asking again marks it pending; a running one stays running.
      await b.markPending(REF, 'default');
      expect((await a.get(REF))!.status).toBe('pending');
      await a.claim(REF, 'default', 'run-c', 1, 'h2');
      await b.markPending(REF, 'default');
      expect((await a.get(REF))!.status).toBe('running');
      expect(await a.list()).toHaveLength(1);
    },
  );
});
