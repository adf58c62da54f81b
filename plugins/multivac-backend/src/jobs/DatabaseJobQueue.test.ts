import { mockServices } from '@backstage/backend-test-utils';
import { Duration } from 'luxon';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  DatabaseJobQueue,
  DEFAULT_JOB_QUEUE_OPTIONS,
  JobQueueOptions,
} from './DatabaseJobQueue';
import { transactionOf } from '../database/Transaction';
import { migrateDatabase } from '../database/migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const logger = mockServices.logger.mock();

const noWait: JobQueueOptions = {
  ...DEFAULT_JOB_QUEUE_OPTIONS,
  maxAttempts: 3,
  initialBackoff: Duration.fromMillis(0),
};

describe.each(databases.eachSupportedId())('DatabaseJobQueue on %s', id => {
  let knex: Knex;

  beforeEach(async () => {
    knex = await databases.init(id);
    // the jobs table comes with the plugin's migrations
    await migrateDatabase(knex);
  });

  it('runs a job once, even when it is enqueued twice', async () => {
    const queue = new DatabaseJobQueue(knex, logger, noWait);
    const handler = jest.fn(async () => {});
    queue.registerHandler('greet', handler);
    const request = {
      type: 'greet',
      idempotencyKey: 'greet:1',
      payload: { who: 'ada' },
    };
    expect(await queue.enqueue(request)).toBe(true);
    expect(await queue.enqueue(request)).toBe(false);

    expect(await queue.runDueJobs()).toBe(1);
    expect(await queue.runDueJobs()).toBe(0);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith(
      expect.objectContaining({
        type: 'greet',
        attempt: 1,
        payload: { who: 'ada' },
      }),
    );
  });

  it('retries a failing job and then gives up, visibly', async () => {
    const queue = new DatabaseJobQueue(knex, logger, noWait);
    const handler = jest.fn(async () => {
      throw new Error('Slack answered 503');
    });
    queue.registerHandler('post', handler);
    await queue.enqueue({
      type: 'post',
      idempotencyKey: 'post:1',
      incidentId: 'incident-1',
      payload: {},
    });

    await queue.runDueJobs();
    let [job] = await queue.listForIncident('incident-1');
    expect(job).toMatchObject({
      status: 'pending',
      attempts: 1,
      maxAttempts: 3,
      lastError: expect.stringContaining('Slack answered 503'),
    });
    expect(job.nextRunAt).toBeDefined();

    await queue.runDueJobs();
    await queue.runDueJobs();
    [job] = await queue.listForIncident('incident-1');
    expect(job).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: expect.stringContaining('Slack answered 503'),
    });
    expect(job.finishedAt).toBeDefined();
    expect(handler).toHaveBeenCalledTimes(3);
    expect(await queue.runDueJobs()).toBe(0);
  });

  it('waits for the back-off before retrying', async () => {
    const queue = new DatabaseJobQueue(knex, logger, {
      ...noWait,
      initialBackoff: Duration.fromObject({ minutes: 1 }),
    });
    queue.registerHandler('flaky', async () => {
      throw new Error('down');
    });
    await queue.enqueue({
      type: 'flaky',
      idempotencyKey: 'f',
      incidentId: 'i',
      payload: {},
    });
    const before = Date.now();
    await queue.runDueJobs();
    expect(await queue.runDueJobs()).toBe(0);
    const [job] = await queue.listForIncident('i');
    const delay = new Date(job.nextRunAt!).getTime() - before;
    expect(delay).toBeGreaterThanOrEqual(59_000);
    expect(delay).toBeLessThan(70_000);
  });

  it('succeeds on a retry after a transient failure', async () => {
    const queue = new DatabaseJobQueue(knex, logger, noWait);
    let calls = 0;
    queue.registerHandler('page', async job => {
      calls++;
      if (job.attempt === 1) {
        throw new Error('timeout');
      }
    });
    await queue.enqueue({
      type: 'page',
      idempotencyKey: 'p',
      incidentId: 'i',
      payload: {},
    });
    await queue.runDueJobs();
    await queue.runDueJobs();
    const [job] = await queue.listForIncident('i');
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(job.lastError).toBeUndefined();
    expect(calls).toBe(2);
  });

  it('does not record a job whose transaction rolls back', async () => {
    const queue = new DatabaseJobQueue(knex, logger, noWait);
    await expect(
      knex.transaction(async tx => {
        await queue.enqueue(
          { type: 'x', idempotencyKey: 'x', incidentId: 'i', payload: {} },
          transactionOf(tx),
        );
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    expect(await queue.listForIncident('i')).toEqual([]);
  });

  it('lets only one of two workers claim a job', async () => {
    const runs: string[] = [];
    const workers = ['a', 'b'].map(name => {
      const queue = new DatabaseJobQueue(knex, logger, noWait);
      queue.registerHandler('once', async () => {
        runs.push(name);
      });
      return queue;
    });
    for (let i = 0; i < 10; i++) {
      await workers[0].enqueue({
        type: 'once',
        idempotencyKey: `once:${i}`,
        payload: {},
      });
    }
    await Promise.all([workers[0].runDueJobs(), workers[1].runDueJobs()]);
    await Promise.all([workers[0].runDueJobs(), workers[1].runDueJobs()]);
    expect(runs).toHaveLength(10);
  });

  it('tells exactly one of two replicas enqueueing the same key at once that it recorded the job', async () => {
    const replicas = [1, 2].map(
      () => new DatabaseJobQueue(knex, logger, noWait),
    );
    const results = await Promise.all(
      replicas.map(queue =>
        queue.enqueue({ type: 'slack', idempotencyKey: 'Ev1', payload: {} }),
      ),
    );
    expect(results.sort()).toEqual([false, true]);
  });

  it('runs a job again after its worker died, once the lease expires', async () => {
    const dying = new DatabaseJobQueue(knex, logger, {
      ...noWait,
      lease: Duration.fromMillis(200),
    });
    dying.registerHandler('slow', () => new Promise(() => {})); // never finishes
    await dying.enqueue({
      type: 'slow',
      idempotencyKey: 's',
      incidentId: 'i',
      payload: {},
    });
    void dying.runDueJobs();
    await waitFor(
      async () => (await dying.listForIncident('i'))[0].status === 'running',
    );

    const successor = new DatabaseJobQueue(knex, logger, noWait);
    const handler = jest.fn(async () => {});
    successor.registerHandler('slow', handler);
    expect(await successor.runDueJobs()).toBe(0); // lease still held
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(await successor.runDueJobs()).toBe(1);
    expect(handler).toHaveBeenCalledWith(
      expect.objectContaining({ attempt: 2 }),
    );
    expect((await successor.listForIncident('i'))[0].status).toBe('succeeded');
  });

  it('works through new jobs on its own once started', async () => {
    const queue = new DatabaseJobQueue(knex, logger, {
      ...noWait,
      pollInterval: Duration.fromObject({ minutes: 10 }),
    });
    const done = jest.fn(async () => {});
    queue.registerHandler('auto', done);
    queue.start();
    try {
      await queue.enqueue({ type: 'auto', idempotencyKey: 'a', payload: {} });
      await waitFor(async () => done.mock.calls.length === 1);
      expect(done).toHaveBeenCalledWith(
        expect.objectContaining({ type: 'auto', attempt: 1 }),
      );
    } finally {
      await queue.stop();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
