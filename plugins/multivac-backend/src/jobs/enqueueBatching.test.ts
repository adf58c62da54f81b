import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import {
  DatabaseJobQueue,
  DEFAULT_JOB_QUEUE_OPTIONS,
} from './DatabaseJobQueue';

/*
 * Enqueues outside a transaction (a Slack acknowledgement's) share
 * statements: apart from DatabaseJobQueue.test.ts, whose many PostgreSQL
 * databases already take most of the teardown's minute to drop.
 */

jest.setTimeout(60_000);

const databases = createTestDatabases();
const logger = mockServices.logger.mock();
const noWait = DEFAULT_JOB_QUEUE_OPTIONS;

describe.each(databases.eachSupportedId())(
  'DatabaseJobQueue enqueue batching on %s',
  id => {
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(id);
      await migrateDatabase(knex);
    });

    it('stores a burst of enqueues in one statement, and answers each only once its job is committed', async () => {
      const queue = new DatabaseJobQueue(knex, logger, noWait);
      const inserts: string[] = [];
      const onQuery = (query: { sql: string }) => {
        if (/^insert into .multivac_jobs./i.test(query.sql)) {
          inserts.push(query.sql);
        }
      };
      knex.on('query', onQuery);
      try {
        // Twenty Slack acknowledgements at once, one of them a retry.
        const keys = [
          ...Array.from({ length: 20 }, (_, i) => `ack:${i}`),
          'ack:7',
        ];
        const answers = await Promise.all(
          keys.map(async key => {
            const stored = await queue.enqueue({
              type: 'ack',
              idempotencyKey: key,
              payload: {},
            });
            // What the answer would promise: the job is there, committed
            // (on PostgreSQL another pooled connection reads it).
            const row = await knex('multivac_jobs')
              .where({ idempotency_key: key })
              .first();
            return { key, stored, there: row !== undefined };
          }),
        );
        expect(inserts).toHaveLength(1);
        expect(answers.every(answer => answer.there)).toBe(true);
        expect(answers.filter(answer => answer.stored)).toHaveLength(20);
        expect(
          answers.filter(answer => answer.key === 'ack:7').map(a => a.stored),
        ).toEqual([true, false]);
        const [{ count }] = await knex('multivac_jobs').count({ count: '*' });
        expect(Number(count)).toBe(20);
      } finally {
        knex.off('query', onQuery);
      }
    });

    it('fails only the bad job of a shared statement; its batch-mates are stored', async () => {
      const queue = new DatabaseJobQueue(knex, logger, noWait);
      const results = await Promise.allSettled(
        ['good:1', undefined, 'good:2'].map(key =>
          queue.enqueue({
            type: 'ack',
            idempotencyKey: key as string,
            payload: {},
          }),
        ),
      );
      expect(results.map(result => result.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      const stored = await knex('multivac_jobs')
        .orderBy('idempotency_key')
        .pluck('idempotency_key');
      expect(stored).toEqual(['good:1', 'good:2']);
    });

    it('holds at most two pooled connections for a burst of enqueues, leaving the rest to the worker and other requests', async () => {
      const queue = new DatabaseJobQueue(knex, logger, noWait);
      const pool = (knex.client as any).pool;
      let peak = 0;
      const onAcquired = () => {
        peak = Math.max(peak, pool.numUsed());
      };
      pool.on('acquireSuccess', onAcquired);
      try {
        // 50 at once, then 50 more while those are being stored.
        const first = Array.from({ length: 50 }, (_, i) =>
          queue.enqueue({ type: 'ack', idempotencyKey: `a:${i}`, payload: {} }),
        );
        await new Promise(resolve => setImmediate(resolve));
        const second = Array.from({ length: 50 }, (_, i) =>
          queue.enqueue({ type: 'ack', idempotencyKey: `b:${i}`, payload: {} }),
        );
        expect(await Promise.all([...first, ...second])).toEqual(
          Array(100).fill(true),
        );
        expect(peak).toBeGreaterThan(0);
        expect(peak).toBeLessThanOrEqual(2);
      } finally {
        pool.removeListener('acquireSuccess', onAcquired);
      }
    });
  },
);
