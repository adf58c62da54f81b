import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
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
import { waitFor } from '../__testUtils__/waitFor';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const logger = mockServices.logger.mock();

const noWait: JobQueueOptions = {
  ...DEFAULT_JOB_QUEUE_OPTIONS,
  maxAttempts: 3,
  initialBackoff: Duration.fromMillis(0),
};

/** No deadline is reached while a test runs; shutdown does not wait. */
const longDeadline: JobQueueOptions = {
  ...noWait,
  timeout: Duration.fromObject({ minutes: 10 }),
  lease: Duration.fromObject({ minutes: 20 }),
  shutdownGrace: Duration.fromMillis(0),
};

/** A started worker's slots; it polls often. */
function slots(
  concurrency: number,
  pagingConcurrency: number,
  base = longDeadline,
): JobQueueOptions {
  return {
    ...base,
    concurrency,
    pagingConcurrency,
    pollInterval: Duration.fromMillis(50),
  };
}

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

  it("lists an incident's latest jobs, oldest first, and counts them all", async () => {
    const queue = new DatabaseJobQueue(knex, logger, noWait);
    for (const n of [1, 2, 3]) {
      await queue.enqueue({
        type: `post-${n}`,
        idempotencyKey: `post:${n}`,
        incidentId: 'incident-1',
        payload: {},
      });
      // Distinct creation times, so that "latest" is well defined.
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    await queue.enqueue({
      type: 'post',
      idempotencyKey: 'other',
      incidentId: 'incident-2',
      payload: {},
    });
    const latest = await queue.latestForIncident('incident-1', 2);
    expect(latest.totalCount).toBe(3);
    expect(latest.items.map(job => job.type)).toEqual(['post-2', 'post-3']);
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
    const dying = new DatabaseJobQueue(knex, logger, longDeadline);
    dying.registerHandler('slow', () => new Promise(() => {})); // never finishes
    await dying.enqueue({
      type: 'slow',
      idempotencyKey: 's',
      incidentId: 'i',
      payload: {},
    });
    const dyingRun = dying.runDueJobs();
    await waitFor(async () => (await row(knex, 's')).status === 'running');
    await dying.stop(); // dies: abandons the job without a word
    expect(await dyingRun).toBe(1);

    const successor = new DatabaseJobQueue(knex, logger, noWait);
    const handler = jest.fn(async () => {});
    successor.registerHandler('slow', handler);
    expect(await successor.runDueJobs()).toBe(0); // lease still held
    await expireLease(knex, 's');
    expect(await successor.runDueJobs()).toBe(1);
    expect(handler).toHaveBeenCalledWith(
      expect.objectContaining({ attempt: 2 }),
    );
    expect((await successor.listForIncident('i'))[0].status).toBe('succeeded');
  });

  it('never runs again an expired job that used up its attempts (maxAttempts: 1)', async () => {
    const crashing = new DatabaseJobQueue(knex, logger, longDeadline);
    const first = jest.fn(() => new Promise<void>(() => {}));
    crashing.registerHandler('declare', first);
    await crashing.enqueue({
      type: 'declare',
      idempotencyKey: 'declare:1',
      payload: { command: '/incident declare' },
      maxAttempts: 1,
    });
    const crashingRun = crashing.runDueJobs();
    await waitFor(
      async () => (await row(knex, 'declare:1')).status === 'running',
    );
    await crashing.stop();
    await crashingRun;
    await expireLease(knex, 'declare:1');

    const successor = new DatabaseJobQueue(knex, logger, noWait);
    const again = jest.fn(async () => {});
    successor.registerHandler('declare', again);
    await expectNotRunAgain(successor, first, again);
    await expectNotRunAgain(successor, first, again);
    expect(await row(knex, 'declare:1')).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: expect.stringContaining('Lease expired after 1 attempt(s)'),
      finished_at: expect.anything(),
    });
  });

  it('gives up on an expired job at maxAttempts, as written by a crashed worker', async () => {
    const queue = new DatabaseJobQueue(knex, logger, noWait);
    const handler = jest.fn(async () => {});
    queue.registerHandler('crashy', handler);
    await queue.enqueue({
      type: 'crashy',
      idempotencyKey: 'c',
      payload: {},
      maxAttempts: 3,
    });
    // the third attempt took its worker down with it
    await knex('multivac_jobs')
      .where({ idempotency_key: 'c' })
      .update({
        status: 'running',
        attempts: 3,
        locked_until: new Date(Date.now() - 1000).toISOString(),
      });
    expect(await queue.runDueJobs()).toBe(0);
    expect(handler).not.toHaveBeenCalled();
    expect(await row(knex, 'c')).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_error: expect.stringContaining('Lease expired after 3 attempt(s)'),
    });
  });

  it('keeps running other jobs, and a page enqueued after it, while one handler hangs', async () => {
    const queue = new DatabaseJobQueue(knex, logger, slots(2, 1));
    let hungSignal: AbortSignal | undefined;
    queue.registerHandler('hang', async job => {
      hungSignal = job.signal;
      await new Promise(() => {});
    });
    const ran: string[] = [];
    queue.registerHandler('chat', async job => {
      ran.push(String(job.payload.n));
    });
    queue.registerHandler('page.escalate', async () => {
      ran.push('page');
    });
    queue.start();
    try {
      await untilRunning(knex, queue, 'hang');
      for (const n of [1, 2, 3]) {
        await queue.enqueue({
          type: 'chat',
          idempotencyKey: `chat:${n}`,
          payload: { n },
        });
      }
      await queue.enqueue({
        type: 'page.escalate',
        idempotencyKey: 'escalate',
        payload: {},
        lane: 'paging',
      });
      await waitFor(async () => ran.length === 4);
      expect(ran.sort()).toEqual(['1', '2', '3', 'page']);
      for (const key of ['chat:1', 'chat:2', 'chat:3', 'escalate']) {
        expect((await row(knex, key)).status).toBe('succeeded');
      }
      // the hung job is still in its first attempt, far from its deadline
      expect(await row(knex, 'hang')).toMatchObject({
        status: 'running',
        attempts: 1,
      });
      expect(hungSignal?.aborted).toBe(false);
    } finally {
      await queue.stop();
    }
    expect(hungSignal?.aborted).toBe(true); // stopping aborts it
  });

  it('ends a hung attempt at its deadline, frees its slot and retries it up to maxAttempts', async () => {
    const queue = new DatabaseJobQueue(knex, logger, {
      ...slots(1, 1, noWait),
      maxAttempts: 2,
      timeout: Duration.fromMillis(300),
      lease: Duration.fromObject({ seconds: 30 }),
    });
    const signals: AbortSignal[] = [];
    queue.registerHandler('hang', async job => {
      signals.push(job.signal);
      await new Promise(() => {}); // ignores its signal, never returns
    });
    const chat = jest.fn(async () => {});
    queue.registerHandler('chat', chat);
    queue.start();
    try {
      await untilRunning(knex, queue, 'hang');
      await queue.enqueue({
        type: 'chat',
        idempotencyKey: 'chat',
        payload: {},
      });
      // the only default slot comes free although the handler never returned
      await waitFor(
        async () => (await row(knex, 'chat')).status === 'succeeded',
      );
      await waitFor(async () => (await row(knex, 'hang')).status === 'failed');
    } finally {
      await queue.stop();
    }
    expect(await row(knex, 'hang')).toMatchObject({
      attempts: 2,
      last_error: expect.stringContaining('Timed out after'),
    });
    expect(signals).toHaveLength(2);
    for (const signal of signals) {
      expect(signal.aborted).toBe(true);
      expect(String(signal.reason)).toContain('multivac.jobs.timeoutSeconds');
    }
    expect(chat).toHaveBeenCalledTimes(1);
  });

  it('reserves slots for pages: chat traffic never delays a page', async () => {
    const queue = new DatabaseJobQueue(knex, logger, slots(1, 1));
    const chatGate = gate();
    const ran: string[] = [];
    queue.registerHandler('chat', async job => {
      ran.push(`chat:${job.payload.n}`);
      await chatGate.promise;
    });
    queue.registerHandler('page.deliver', async () => {
      ran.push('page');
    });
    queue.start();
    try {
      for (const n of [1, 2, 3]) {
        await queue.enqueue({
          type: 'chat',
          idempotencyKey: `chat:${n}`,
          payload: { n },
        });
      }
      await waitFor(async () => ran.length === 1);
      await queue.enqueue({
        type: 'page.deliver',
        idempotencyKey: 'page',
        payload: {},
        lane: 'paging',
      });
      await waitFor(
        async () => (await row(knex, 'page')).status === 'succeeded',
      );
      expect(ran).toEqual(['chat:1', 'page']);
      expect((await row(knex, 'chat:2')).status).toBe('pending');
      chatGate.open();
      await waitFor(
        async () => (await row(knex, 'chat:3')).status === 'succeeded',
      );
      expect(ran).toEqual(['chat:1', 'page', 'chat:2', 'chat:3']);
    } finally {
      await queue.stop();
    }
  });

  it('gives a free default slot to a waiting page before waiting chat jobs', async () => {
    const queue = new DatabaseJobQueue(knex, logger, slots(1, 1));
    const gates = { chat: gate(), page: gate() };
    const ran: string[] = [];
    for (const [type, lane] of [
      ['chat', 'default'],
      ['page', 'paging'],
    ] as const) {
      queue.registerHandler(type, async job => {
        ran.push(`${type}:${job.payload.n}`);
        await gates[type].promise;
      });
      await queue.enqueue({
        type,
        idempotencyKey: `${type}:1`,
        payload: { n: 1 },
        lane,
      });
    }
    queue.start();
    try {
      await waitFor(async () => ran.length === 2); // both slots taken
      await queue.enqueue({
        type: 'chat',
        idempotencyKey: 'chat:2',
        payload: { n: 2 },
      });
      await queue.enqueue({
        type: 'page',
        idempotencyKey: 'page:2',
        payload: { n: 2 },
        lane: 'paging',
      });
      gates.chat.open();
      await waitFor(async () => ran.length === 3);
      expect(ran[2]).toBe('page:2');
      gates.page.open();
      await waitFor(async () => ran.length === 4);
      expect(ran[3]).toBe('chat:2');
    } finally {
      await queue.stop();
    }
  });

  it('renews the lease of a long job, so that another worker does not take it over', async () => {
    const owner = new DatabaseJobQueue(knex, logger, {
      ...longDeadline,
      leaseRenewal: Duration.fromMillis(100),
    });
    const release = gate();
    const handler = jest.fn(async () => release.promise);
    owner.registerHandler('long', handler);
    await owner.enqueue({ type: 'long', idempotencyKey: 'long', payload: {} });
    const ownerRun = owner.runDueJobs();
    await waitFor(async () => (await row(knex, 'long')).status === 'running');

    // as if the lease were about to run out
    const runsOut = Date.now() + 200;
    await knex('multivac_jobs')
      .where({ idempotency_key: 'long' })
      .update({ locked_until: new Date(runsOut).toISOString() });
    await waitFor(
      async () =>
        new Date((await row(knex, 'long')).locked_until).getTime() >
        runsOut + 60_000,
    );
    await waitFor(async () => Date.now() > runsOut + 100);

    const other = new DatabaseJobQueue(knex, logger, noWait);
    const otherHandler = jest.fn(async () => {});
    other.registerHandler('long', otherHandler);
    expect(await other.runDueJobs()).toBe(0);

    release.open();
    expect(await ownerRun).toBe(1);
    await expectNotRunAgain(other, handler, otherHandler);
    expect(await row(knex, 'long')).toMatchObject({
      status: 'succeeded',
      attempts: 1,
    });
  });

  it('aborts a handler whose lease was taken over and never writes its outcome', async () => {
    const slow = new DatabaseJobQueue(knex, logger, {
      ...longDeadline,
      leaseRenewal: Duration.fromMillis(100),
    });
    let slowSignal: AbortSignal | undefined;
    slow.registerHandler('post', async job => {
      slowSignal = job.signal;
      // ignores the abort and claims success
      await new Promise(resolve =>
        job.signal.addEventListener('abort', resolve),
      );
    });
    await slow.enqueue({
      type: 'post',
      idempotencyKey: 'post',
      payload: {},
      maxAttempts: 5,
    });
    const slowRun = slow.runDueJobs();
    await waitFor(async () => (await row(knex, 'post')).status === 'running');

    const other = new DatabaseJobQueue(knex, logger, {
      ...noWait,
      initialBackoff: Duration.fromObject({ minutes: 1 }),
    });
    other.registerHandler('post', async () => {
      throw new Error('Slack answered 503 to the other replica');
    });
    // the slow worker stalled past its lease; the other one takes the job over
    // (retried, as the slow one may renew between the two statements)
    await waitFor(async () => {
      await expireLease(knex, 'post');
      return (await other.runDueJobs()) === 1;
    });

    expect(await slowRun).toBe(1);
    expect(slowSignal?.aborted).toBe(true);
    expect(String(slowSignal?.reason)).toContain('lease');
    expect(await row(knex, 'post')).toMatchObject({
      status: 'pending',
      attempts: 2,
      last_error: expect.stringContaining('other replica'),
    });
  });

  it('prunes succeeded jobs after the retention period, and keeps failed and pending ones', async () => {
    const queue = new DatabaseJobQueue(knex, logger, {
      ...noWait,
      maxAttempts: 1,
      retention: Duration.fromObject({ days: 14 }),
    });
    queue.registerHandler('ok', async () => {});
    queue.registerHandler('broken', async () => {
      throw new Error('broken');
    });
    for (const key of ['old', 'recent']) {
      await queue.enqueue({ type: 'ok', idempotencyKey: key, payload: {} });
    }
    await queue.enqueue({
      type: 'broken',
      idempotencyKey: 'failed',
      payload: {},
    });
    expect(await queue.runDueJobs()).toBe(3);
    await queue.enqueue({
      type: 'ok',
      idempotencyKey: 'later',
      payload: {},
      runAfter: new Date(Date.now() + 3_600_000),
    });
    const daysAgo = (days: number) =>
      new Date(Date.now() - days * 86_400_000).toISOString();
    for (const [key, finished] of [
      ['old', daysAgo(15)],
      ['recent', daysAgo(13)],
      ['failed', daysAgo(30)],
    ]) {
      await knex('multivac_jobs')
        .where({ idempotency_key: key })
        .update({ finished_at: finished, created_at: daysAgo(31) });
    }
    await knex('multivac_jobs')
      .where({ idempotency_key: 'later' })
      .update({ created_at: daysAgo(31) });

    expect(await queue.pruneFinishedJobs()).toBe(1);
    expect(await keys(knex)).toEqual(['failed', 'later', 'recent']);
    expect(await queue.pruneFinishedJobs()).toBe(0);

    // the worker loop prunes on its own
    await knex('multivac_jobs')
      .where({ idempotency_key: 'recent' })
      .update({ finished_at: daysAgo(20) });
    queue.start();
    try {
      await waitFor(async () => (await keys(knex)).length === 2);
      expect(await keys(knex)).toEqual(['failed', 'later']);
    } finally {
      await queue.stop();
    }
  });

  it('runs jobs with the same order key one at a time, in the order they were enqueued', async () => {
    const queue = new DatabaseJobQueue(knex, logger, slots(4, 2, noWait));
    const events: string[] = [];
    queue.registerHandler('step', async job => {
      events.push(`start ${job.payload.key}:${job.payload.n}`);
      await new Promise(resolve => setTimeout(resolve, 10));
      events.push(`end ${job.payload.key}:${job.payload.n}`);
    });
    // in one transaction, so they are all recorded in the same instant
    await knex.transaction(async tx => {
      for (const n of [1, 2, 3, 4, 5]) {
        for (const key of ['a', 'b']) {
          await queue.enqueue(
            {
              type: 'step',
              idempotencyKey: `${key}:${n}`,
              payload: { key, n },
              orderKey: `incident-${key}`,
            },
            transactionOf(tx),
          );
        }
      }
    });
    queue.start();
    try {
      await waitFor(async () => events.length === 20);
    } finally {
      await queue.stop();
    }
    for (const key of ['a', 'b']) {
      expect(events.filter(event => event.includes(` ${key}:`))).toEqual(
        [1, 2, 3, 4, 5].flatMap(n => [`start ${key}:${n}`, `end ${key}:${n}`]),
      );
    }
  });

  it('holds later jobs of an order key while an earlier one waits for its retry, not after it failed for good', async () => {
    const queue = new DatabaseJobQueue(knex, logger, {
      ...noWait,
      maxAttempts: 2,
    });
    const ran: string[] = [];
    queue.registerHandler('create-channel', async () => {
      ran.push('create-channel');
      throw new Error('Slack answered 503');
    });
    queue.registerHandler('set-topic', async () => {
      ran.push('set-topic');
    });
    for (const type of ['create-channel', 'set-topic']) {
      await queue.enqueue({
        type,
        idempotencyKey: type,
        payload: {},
        orderKey: 'incident-1',
      });
    }
    await queue.enqueue({
      type: 'set-topic',
      idempotencyKey: 'other-incident',
      payload: {},
      orderKey: 'incident-2',
    });
    expect(await queue.runDueJobs()).toBe(2); // create-channel and incident-2
    expect(await queue.runDueJobs()).toBe(1); // the retry, set-topic still held
    expect((await row(knex, 'set-topic')).status).toBe('pending');
    expect(await queue.runDueJobs()).toBe(1);
    expect(ran.sort()).toEqual([
      'create-channel',
      'create-channel',
      'set-topic',
      'set-topic',
    ]);
    expect((await row(knex, 'create-channel')).status).toBe('failed');
    expect((await row(knex, 'set-topic')).status).toBe('succeeded');
  });

  it("leaves the worker's claim off the enqueuing request's path: the insert is its only statement", async () => {
    const queue = new DatabaseJobQueue(knex, logger, {
      ...noWait,
      pollInterval: Duration.fromObject({ minutes: 10 }),
    });
    const done = jest.fn(async () => {});
    queue.registerHandler('ack', done);
    const statements: string[] = [];
    const onQuery = (query: { sql: string }) => statements.push(query.sql);
    queue.start();
    try {
      // The first round of the worker (pruning, finding nothing due).
      await new Promise(resolve => setTimeout(resolve, 200));
      knex.on('query', onQuery);
      await queue.enqueue({ type: 'ack', idempotencyKey: 'a', payload: {} });
      // What a request does after the insert before answering (the awaits
      // of the handlers above it, e.g. the Slack inbox and router), within
      // the same turn of the event loop.
      for (let i = 0; i < 50; i++) {
        await Promise.resolve();
      }
      const beforeTheAnswer = [...statements];
      await waitFor(async () => done.mock.calls.length === 1);
      expect(beforeTheAnswer).toHaveLength(1);
      expect(beforeTheAnswer[0]).toMatch(/^insert into .multivac_jobs./i);
      // The worker claimed it afterwards, on its own.
      expect(statements.length).toBeGreaterThan(1);
    } finally {
      knex.off('query', onQuery);
      await queue.stop();
    }
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

  it('claims and starts jobs for all its free slots in one statement, never more jobs than it has free slots', async () => {
    const queue = new DatabaseJobQueue(knex, logger, slots(3, 1));
    const held = gate();
    const ran: number[] = [];
    queue.registerHandler('work', async job => {
      ran.push(job.payload.n as number);
      await held.promise;
    });
    for (let n = 1; n <= 5; n++) {
      await queue.enqueue({
        type: 'work',
        idempotencyKey: `work:${n}`,
        payload: { n },
      });
    }
    const statements: string[] = [];
    const onQuery = (query: { sql: string }) => statements.push(query.sql);
    knex.on('query', onQuery);
    let running: Promise<number> | undefined;
    try {
      running = queue.runDueJobs();
      await waitFor(() => ran.length === 3);
      // One statement claimed and started all three (the paging slot's
      // claims, which find nothing, name the lane).
      const claims = statements.filter(sql => /attempts \+ 1/.test(sql));
      expect(claims.filter(sql => !/.lane. = /.test(sql))).toHaveLength(1);
      expect(statements).not.toContainEqual(
        expect.stringMatching(/^select .j.\.\* /),
      );
      const byStatus = await knex('multivac_jobs')
        .groupBy('status')
        .select('status', knex.raw('count(*) as jobs'));
      expect(
        Object.fromEntries(byStatus.map(r => [r.status, Number(r.jobs)])),
      ).toEqual({ running: 3, pending: 2 });
    } finally {
      knex.off('query', onQuery);
      held.open();
    }
    expect(await running).toBe(5);
    expect(ran.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('records attempts that succeed together in one statement', async () => {
    const queue = new DatabaseJobQueue(knex, logger, slots(4, 1));
    const held = gate();
    let started = 0;
    queue.registerHandler('together', async () => {
      started += 1;
      await held.promise;
    });
    for (let n = 1; n <= 4; n++) {
      await queue.enqueue({
        type: 'together',
        idempotencyKey: `together:${n}`,
        payload: {},
      });
    }
    const statements: string[] = [];
    const onQuery = (query: { sql: string }) => statements.push(query.sql);
    const running = queue.runDueJobs();
    try {
      await waitFor(() => started === 4);
      knex.on('query', onQuery);
      held.open();
      expect(await running).toBe(4);
    } finally {
      knex.off('query', onQuery);
    }
    expect(statements).toEqual([
      expect.stringMatching(/^update .multivac_jobs. set .status. = /),
    ]);
    expect(
      await knex('multivac_jobs').where({ status: 'succeeded' }).select('id'),
    ).toHaveLength(4);
  });

  /** Jobs of `orderKey`, enqueued in this order in one transaction. */
  async function enqueueInRow(
    queue: DatabaseJobQueue,
    jobs: Array<{ type: string; n: number; orderKey?: string }>,
  ) {
    await knex.transaction(async tx => {
      for (const { type, n, orderKey = 'integration-1' } of jobs) {
        await queue.enqueue(
          { type, idempotencyKey: `${type}:${n}`, payload: { n }, orderKey },
          transactionOf(tx),
        );
      }
    });
  }

  it('runs a backlog of ordered jobs of a batch handler together, in order, up to maxJobs per attempt', async () => {
    const queue = new DatabaseJobQueue(knex, logger, noWait);
    const attempts: number[][] = [];
    queue.registerBatchHandler(
      'process',
      async jobs => {
        attempts.push(jobs.map(job => job.payload.n as number));
        expect(jobs.every(job => job.attempt === 1)).toBe(true);
      },
      { maxJobs: 4 },
    );
    await enqueueInRow(
      queue,
      Array.from({ length: 10 }, (_, n) => ({ type: 'process', n })),
    );

    expect(await queue.runDueJobs()).toBe(1);
    expect(await queue.runDueJobs()).toBe(1);
    expect(await queue.runDueJobs()).toBe(1);
    expect(attempts).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    const rows = await knex('multivac_jobs').select('status', 'attempts');
    expect(rows).toHaveLength(10);
    expect(
      rows.every(r => r.status === 'succeeded' && Number(r.attempts) === 1),
    ).toBe(true);
  });

  it('takes only the jobs right after in a batch: it stops at another type, a job not due yet and the end of its order key', async () => {
    const queue = new DatabaseJobQueue(knex, logger, noWait);
    const attempts: number[][] = [];
    queue.registerBatchHandler(
      'process',
      async jobs => {
        attempts.push(jobs.map(job => job.payload.n as number));
      },
      { maxJobs: 10 },
    );
    queue.registerHandler('note', async job => {
      attempts.push([job.payload.n as number]);
    });
    await enqueueInRow(queue, [
      { type: 'process', n: 1 },
      { type: 'process', n: 2 },
      { type: 'note', n: 3 },
      { type: 'process', n: 4 },
      { type: 'process', n: 5, orderKey: 'integration-2' },
    ]);
    await queue.enqueue({
      type: 'process',
      idempotencyKey: 'process:6',
      payload: { n: 6 },
      orderKey: 'integration-1',
      runAfter: new Date(Date.now() + 3600_000),
    });
    await queue.enqueue({
      type: 'process',
      idempotencyKey: 'process:7',
      payload: { n: 7 },
      orderKey: 'integration-1',
    });
    // no order key: always alone
    await queue.enqueue({
      type: 'process',
      idempotencyKey: 'process:8',
      payload: { n: 8 },
    });
    await queue.enqueue({
      type: 'process',
      idempotencyKey: 'process:9',
      payload: { n: 9 },
    });

    while ((await queue.runDueJobs()) > 0) {
      // until only the job that is not due yet (and the one held by it) remain
    }
    expect(attempts.sort((a, b) => a[0] - b[0])).toEqual([
      [1, 2],
      [3],
      [4],
      [5],
      [8],
      [9],
    ]);
    expect((await row(knex, 'process:6')).status).toBe('pending');
    expect((await row(knex, 'process:7')).status).toBe('pending');
  });

  it('retries the jobs of a failed batch together, each attempt counted, and gives up on all at maxAttempts', async () => {
    const queue = new DatabaseJobQueue(knex, logger, noWait); // 3 attempts
    const attempts: string[] = [];
    queue.registerBatchHandler(
      'process',
      async jobs => {
        attempts.push(
          jobs.map(job => `${job.payload.n}@${job.attempt}`).join(' '),
        );
        throw new Error('PostgreSQL went away');
      },
      { maxJobs: 5 },
    );
    await enqueueInRow(
      queue,
      [1, 2, 3].map(n => ({ type: 'process', n })),
    );
    while ((await queue.runDueJobs()) > 0) {
      // each retry is due at once (no back-off)
    }
    expect(attempts).toEqual(['1@1 2@1 3@1', '1@2 2@2 3@2', '1@3 2@3 3@3']);
    const rows = await knex('multivac_jobs').select('status', 'last_error');
    expect(rows).toEqual(
      [1, 2, 3].map(() => ({
        status: 'failed',
        last_error: expect.stringContaining('PostgreSQL went away'),
      })),
    );
  });

  it('runs a batch again, whole and in order, after its worker died, once the lease expires', async () => {
    const dying = new DatabaseJobQueue(knex, logger, longDeadline);
    dying.registerBatchHandler('process', () => new Promise(() => {}), {
      maxJobs: 10,
    });
    await enqueueInRow(
      dying,
      [1, 2, 3].map(n => ({ type: 'process', n })),
    );
    const dyingRun = dying.runDueJobs();
    await waitFor(
      async () =>
        (await knex('multivac_jobs').where({ status: 'running' })).length === 3,
    );
    await dying.stop(); // dies: abandons its batch without a word
    expect(await dyingRun).toBe(1);

    const successor = new DatabaseJobQueue(knex, logger, noWait);
    const attempts: string[] = [];
    successor.registerBatchHandler(
      'process',
      async jobs => {
        attempts.push(
          jobs.map(job => `${job.payload.n}@${job.attempt}`).join(' '),
        );
      },
      { maxJobs: 10 },
    );
    expect(await successor.runDueJobs()).toBe(0); // leases still held
    for (const n of [1, 2, 3]) {
      await expireLease(knex, `process:${n}`);
    }
    expect(await successor.runDueJobs()).toBe(1);
    expect(attempts).toEqual(['1@2 2@2 3@2']);
    expect(
      (await knex('multivac_jobs').select('status')).map(r => r.status),
    ).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('refuses a second handler for a type, batch or not, and a batch size that is not a positive integer', () => {
    const queue = new DatabaseJobQueue(knex, logger, noWait);
    queue.registerHandler('process', async () => {});
    expect(() =>
      queue.registerBatchHandler('process', async () => {}, { maxJobs: 5 }),
    ).toThrow("A handler for job type 'process' is already registered");
    queue.registerBatchHandler('other', async () => {}, { maxJobs: 5 });
    expect(() => queue.registerHandler('other', async () => {})).toThrow(
      "A handler for job type 'other' is already registered",
    );
    expect(() =>
      queue.registerBatchHandler('third', async () => {}, { maxJobs: 0 }),
    ).toThrow("maxJobs of job type 'third' must be a positive integer, got 0");
  });

  it('runs each ordered job of a batch handler once, in order, across two started replicas', async () => {
    const seen: number[] = [];
    const replicas = ['a', 'b'].map(() => {
      const queue = new DatabaseJobQueue(knex, logger, slots(4, 2));
      queue.registerBatchHandler(
        'process',
        async jobs => {
          seen.push(...jobs.map(job => job.payload.n as number));
          await new Promise(resolve => setTimeout(resolve, 2));
        },
        { maxJobs: 7 },
      );
      return queue;
    });
    replicas.forEach(queue => queue.start());
    try {
      for (let n = 0; n < 60; n++) {
        await replicas[n % 2].enqueue({
          type: 'process',
          idempotencyKey: `process:${n}`,
          payload: { n },
          orderKey: 'integration-1',
          lane: 'paging',
        });
      }
      await waitFor(
        async () =>
          (
            await knex('multivac_jobs').where({ status: 'succeeded' })
          ).length === 60,
      );
    } finally {
      await Promise.all(replicas.map(queue => queue.stop()));
    }
    expect(seen).toEqual(Array.from({ length: 60 }, (_, n) => n));
    expect(
      await knex('multivac_jobs').whereNot({ attempts: 1 }).select('id'),
    ).toEqual([]);
  });

  it('runs each job of a burst once across two started replicas, each attempt counted once', async () => {
    const runs = new Map<number, string[]>();
    const replicas = ['a', 'b'].map(name => {
      const queue = new DatabaseJobQueue(knex, logger, slots(4, 2));
      for (const type of ['burst', 'burst.page']) {
        queue.registerHandler(type, async job => {
          const n = job.payload.n as number;
          runs.set(n, [...(runs.get(n) ?? []), name]);
          await new Promise(resolve => setTimeout(resolve, n % 5));
        });
      }
      return queue;
    });
    replicas.forEach(queue => queue.start());
    try {
      await Promise.all(
        Array.from({ length: 80 }, (_, n) =>
          replicas[n % 2].enqueue({
            type: n % 3 === 0 ? 'burst.page' : 'burst',
            idempotencyKey: `burst:${n}`,
            payload: { n },
            lane: n % 3 === 0 ? 'paging' : 'default',
          }),
        ),
      );
      await waitFor(
        async () =>
          (
            await knex('multivac_jobs').where({ status: 'succeeded' })
          ).length === 80,
      );
    } finally {
      await Promise.all(replicas.map(queue => queue.stop()));
    }
    expect(runs.size).toBe(80);
    expect([...runs.values()].filter(by => by.length !== 1)).toEqual([]);
    expect(
      await knex('multivac_jobs').whereNot({ attempts: 1 }).select('id'),
    ).toEqual([]);
  });
});

describe('DatabaseJobQueue.optionsFromConfig', () => {
  const fromConfig = (jobs: object) =>
    DatabaseJobQueue.optionsFromConfig(
      new ConfigReader({ multivac: { jobs } }),
    );

  it('has defaults for every key', () => {
    expect(fromConfig({})).toEqual(DEFAULT_JOB_QUEUE_OPTIONS);
    expect(DEFAULT_JOB_QUEUE_OPTIONS).toMatchObject({
      concurrency: 4,
      pagingConcurrency: 2,
    });
    expect(DEFAULT_JOB_QUEUE_OPTIONS.timeout.as('seconds')).toBe(60);
    expect(DEFAULT_JOB_QUEUE_OPTIONS.retention.as('days')).toBe(14);
  });

  it('reads every key', () => {
    const options = fromConfig({
      maxAttempts: 3,
      initialBackoffSeconds: 0,
      maxBackoffSeconds: 60,
      leaseSeconds: 120,
      timeoutSeconds: 30,
      pollIntervalSeconds: 1,
      concurrency: 8,
      pagingConcurrency: 3,
      retentionDays: 7,
      shutdownGraceSeconds: 5,
    });
    expect(options).toMatchObject({
      maxAttempts: 3,
      concurrency: 8,
      pagingConcurrency: 3,
    });
    expect(options.initialBackoff.toMillis()).toBe(0);
    expect(options.maxBackoff.as('seconds')).toBe(60);
    expect(options.lease.as('seconds')).toBe(120);
    expect(options.timeout.as('seconds')).toBe(30);
    expect(options.pollInterval.as('seconds')).toBe(1);
    expect(options.retention.as('days')).toBe(7);
    expect(options.shutdownGrace.as('seconds')).toBe(5);
  });

  it('defaults the deadline to half a lease shorter than the default deadline', () => {
    expect(fromConfig({ leaseSeconds: 30 }).timeout.as('seconds')).toBe(15);
    expect(fromConfig({ leaseSeconds: 600 }).timeout.as('seconds')).toBe(60);
  });

  it('takes the deprecated batchSize as the concurrency', () => {
    expect(fromConfig({ batchSize: 6 }).concurrency).toBe(6);
    expect(fromConfig({ batchSize: 6, concurrency: 2 }).concurrency).toBe(2);
  });

  it('refuses a deadline that is not shorter than the lease, naming both keys', () => {
    expect(() => fromConfig({ timeoutSeconds: 300 })).toThrow(
      'multivac.jobs.timeoutSeconds (300) must be less than multivac.jobs.leaseSeconds (300)',
    );
    expect(() => fromConfig({ leaseSeconds: 30, timeoutSeconds: 45 })).toThrow(
      'multivac.jobs.timeoutSeconds (45) must be less than multivac.jobs.leaseSeconds (30)',
    );
    expect(
      () =>
        new DatabaseJobQueue({} as Knex, logger, {
          ...DEFAULT_JOB_QUEUE_OPTIONS,
          timeout: Duration.fromObject({ minutes: 10 }),
        }),
    ).toThrow('must be less than multivac.jobs.leaseSeconds');
  });

  it.each([
    ['concurrency', 0, 'positive integer'],
    ['pagingConcurrency', 1.5, 'positive integer'],
    ['maxAttempts', -1, 'positive integer'],
    ['retentionDays', 0, 'positive integer'],
    ['batchSize', 0, 'positive integer'],
    ['timeoutSeconds', 0, 'positive number of seconds'],
    ['leaseSeconds', -5, 'positive number of seconds'],
    ['pollIntervalSeconds', 0, 'positive number of seconds'],
    ['initialBackoffSeconds', -1, 'non-negative number of seconds'],
  ])('refuses %s: %p', (key, value, expected) => {
    expect(() => fromConfig({ [key]: value })).toThrow(
      `multivac.jobs.${key} must be a ${expected}, got ${value}`,
    );
  });
});

/** The row of a job, by idempotency key. */
async function row(knex: Knex, idempotencyKey: string) {
  return knex('multivac_jobs')
    .where({ idempotency_key: idempotencyKey })
    .first();
}

/** The other worker finds nothing to run; the job ran once, on the first. */
async function expectNotRunAgain(
  other: DatabaseJobQueue,
  firstHandler: jest.Mock,
  otherHandler: jest.Mock,
) {
  expect(await other.runDueJobs()).toBe(0);
  expect(firstHandler).toHaveBeenCalledTimes(1);
  expect(otherHandler).not.toHaveBeenCalled();
}

/** Enqueues a job (its type is its key) and waits until it runs. */
async function untilRunning(knex: Knex, queue: DatabaseJobQueue, type: string) {
  await queue.enqueue({ type, idempotencyKey: type, payload: {} });
  await waitFor(async () => (await row(knex, type)).status === 'running');
}

/** As if the worker running it had been gone for longer than its lease. */
async function expireLease(knex: Knex, idempotencyKey: string) {
  await knex('multivac_jobs')
    .where({ idempotency_key: idempotencyKey, status: 'running' })
    .update({ locked_until: new Date(Date.now() - 1000).toISOString() });
}

async function keys(knex: Knex): Promise<string[]> {
  const rows = await knex('multivac_jobs')
    .orderBy('idempotency_key')
    .select('idempotency_key');
  return rows.map(r => r.idempotency_key);
}

function gate() {
  let open = () => {};
  const promise = new Promise<void>(resolve => {
    open = resolve;
  });
  return { promise, open };
}
