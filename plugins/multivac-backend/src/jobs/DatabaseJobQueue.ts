import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import { JobStatus, JobSummary } from '@multivac/plugin-multivac-common';
import { Duration } from 'luxon';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { GroupCommit } from '../alerts/GroupCommit';
import { isPostgres, optionalIsoString, toIsoString } from '../database/util';
import {
  BatchJobHandler,
  EnqueueRequest,
  JobContext,
  JobHandler,
  JobLane,
  JobQueue,
} from './JobQueue';
import { knexOf, Transaction } from '../database/Transaction';

export interface JobQueueOptions {
  /** Attempts before a job is marked failed. */
  maxAttempts: number;
  /** Delay before the first retry; doubles on each further retry. */
  initialBackoff: Duration;
  maxBackoff: Duration;
  /**
   * How long a claimed job is reserved for its worker before others may take
   * it over. Renewed while the job runs, so it only runs out when the worker
   * died or stalled.
   */
  lease: Duration;
  /** How often a running job's lease is renewed. Default a third of the lease. */
  leaseRenewal?: Duration;
  /** An attempt's deadline; shorter than the lease. */
  timeout: Duration;
  /** How often the worker looks for due jobs (it is also woken by new ones). */
  pollInterval: Duration;
  /** Slots for jobs of any lane (paging jobs first). */
  concurrency: number;
  /** Slots reserved for the paging lane. */
  pagingConcurrency: number;
  /** How long succeeded jobs are kept. */
  retention: Duration;
  /** How often the worker prunes succeeded jobs. */
  pruneInterval: Duration;
  /**
   * How long shutdown waits for running jobs; a job still running after that
   * is aborted and left to its lease, to be run again by a worker that is alive.
   */
  shutdownGrace: Duration;
}

export const DEFAULT_JOB_QUEUE_OPTIONS: JobQueueOptions = {
  maxAttempts: 8,
  initialBackoff: Duration.fromObject({ seconds: 5 }),
  maxBackoff: Duration.fromObject({ minutes: 15 }),
  lease: Duration.fromObject({ minutes: 5 }),
  timeout: Duration.fromObject({ seconds: 60 }),
  pollInterval: Duration.fromObject({ seconds: 2 }),
  concurrency: 4,
  pagingConcurrency: 2,
  retention: Duration.fromObject({ days: 14 }),
  pruneInterval: Duration.fromObject({ minutes: 5 }),
  shutdownGrace: Duration.fromObject({ seconds: 10 }),
};

type JobRow = {
  id: string;
  type: string;
  idempotency_key: string;
  incident_id: string | null;
  payload: string;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_after: Date | string;
  locked_until: Date | string | null;
  last_error: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  finished_at: Date | string | null;
  lane: JobLane;
  order_key: string | null;
  order_seq: number | string | null;
};

/** A job's row as enqueue writes it. */
type NewJobRow = Omit<JobRow, 'locked_until' | 'last_error' | 'finished_at'>;

/**
 * How enqueues outside a transaction share inserts (see `GroupCommit`): up
 * to 100 jobs per statement, the first one waiting at most one timer tick
 * for others while no insert is under way, and at most 2 inserts at once,
 * so that a burst of Slack acknowledgements holds 2 of the plugin's pooled
 * connections instead of all of them.
 */
const ENQUEUE_BATCHING = { maxBatch: 100, maxWaitMs: 0, maxInFlight: 2 };

/**
 * How succeeded attempts are recorded (see `GroupCommit`): those that end
 * while another such update is under way, or in the same timer tick, share
 * one statement of up to 100 jobs.
 */
const SUCCESS_BATCHING = { maxBatch: 100, maxWaitMs: 0, maxInFlight: 1 };

/**
 * A set of slots: `paging` runs only paging-lane jobs, `default` runs jobs of
 * any lane, paging ones first. Filled in this order.
 */
type Pool = 'paging' | 'default';
const POOLS: Pool[] = ['paging', 'default'];

/** A job type's handler: for one job, or for jobs in a row. */
type Registered =
  | { handler: JobHandler; maxJobs?: undefined }
  | { handler: BatchJobHandler; maxJobs: number };

/**
 * One attempt in a slot: of one job, or of jobs in a row of a batch handler
 * (the first is the one whose turn it was).
 */
interface Run {
  jobs: [JobRow, ...JobRow[]];
  pool: Pool;
  controller: AbortController;
  /** The attempt ended; its outcome is being written (or dropped). */
  over: boolean;
  /** Why the attempt's outcome must not be written (lease lost, stopped). */
  dropped?: string;
  renewing: boolean;
  settled: Promise<void>;
}

const CONFIG_KEY = 'multivac.jobs';

/** Counts: positive integers. */
function count(config: Config | undefined, key: string, fallback: number) {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `${CONFIG_KEY}.${key} must be a positive integer, got ${value}`,
    );
  }
  return value;
}

/** Durations in seconds: positive, or also zero where `zeroAllowed`. */
function seconds(
  config: Config | undefined,
  key: string,
  fallback: Duration,
  zeroAllowed = false,
) {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    throw new Error(
      `${CONFIG_KEY}.${key} must be a ${
        zeroAllowed ? 'non-negative' : 'positive'
      } number of seconds, got ${value}`,
    );
  }
  return Duration.fromObject({ seconds: value });
}

/** The start-up checks that cannot be expressed per key. */
function validate(options: JobQueueOptions): void {
  const { lease, timeout, leaseRenewal } = options;
  if (timeout.toMillis() >= lease.toMillis()) {
    throw new Error(
      `${CONFIG_KEY}.timeoutSeconds (${timeout.as(
        'seconds',
      )}) must be less than ${CONFIG_KEY}.leaseSeconds (${lease.as(
        'seconds',
      )}): a job must end before another worker may take it over`,
    );
  }
  if (leaseRenewal && leaseRenewal.toMillis() >= lease.toMillis()) {
    throw new Error('The lease must be renewed more often than it runs out');
  }
  for (const key of ['concurrency', 'pagingConcurrency'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 1) {
      throw new Error(
        `${CONFIG_KEY}.${key} must be a positive integer, got ${options[key]}`,
      );
    }
  }
}

class JobTimeoutError extends Error {
  name = 'JobTimeoutError';
}

/** Settles (rejecting with the abort reason) when the signal is aborted. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
    } else {
      signal.addEventListener('abort', () => reject(signal.reason), {
        once: true,
      });
    }
  });
}

/**
 * Job queue on the plugin database. Workers on several replicas share it
 * safely: a job is claimed by a conditional UPDATE that only one worker can
 * win, and a claim is a lease, renewed while the job runs, so a job whose
 * worker died (crash, restart) is run again once the lease expires, unless
 * it used up its attempts.
 *
 * Each worker runs jobs in slots: a free slot claims the next due job at
 * once, and every attempt has a deadline, so one slow or hung job never
 * holds up the others. Paging-lane jobs have slots of their own.
 */
export class DatabaseJobQueue implements JobQueue {
  private readonly handlers = new Map<string, Registered>();
  private readonly runs = new Set<Run>();
  private timer?: NodeJS.Timeout;
  private waking?: NodeJS.Immediate;
  private pumping?: Promise<void>;
  private repump = false;
  private stopped = true;
  private lastPrune = -Infinity;
  /**
   * Enqueues outside a transaction, stored together when they come at the
   * same time: one statement (one commit) for a burst of them.
   */
  private readonly inserts: GroupCommit<NewJobRow, boolean>;
  /** Succeeded attempts, recorded together when they end together. */
  private readonly successes: GroupCommit<JobRow, void>;

  static optionsFromConfig(config: Config): JobQueueOptions {
    const jobs = config.getOptionalConfig(CONFIG_KEY);
    const d = DEFAULT_JOB_QUEUE_OPTIONS;
    // `batchSize` is the deprecated name of `concurrency`.
    const concurrency = count(
      jobs,
      'concurrency',
      count(jobs, 'batchSize', d.concurrency),
    );
    const lease = seconds(jobs, 'leaseSeconds', d.lease);
    const options: JobQueueOptions = {
      maxAttempts: count(jobs, 'maxAttempts', d.maxAttempts),
      initialBackoff: seconds(
        jobs,
        'initialBackoffSeconds',
        d.initialBackoff,
        true,
      ),
      maxBackoff: seconds(jobs, 'maxBackoffSeconds', d.maxBackoff),
      lease,
      // A lease configured shorter than the default deadline keeps working.
      timeout: seconds(
        jobs,
        'timeoutSeconds',
        lease.toMillis() / 2 < d.timeout.toMillis()
          ? Duration.fromMillis(lease.toMillis() / 2)
          : d.timeout,
      ),
      pollInterval: seconds(jobs, 'pollIntervalSeconds', d.pollInterval),
      concurrency,
      pagingConcurrency: count(jobs, 'pagingConcurrency', d.pagingConcurrency),
      retention: Duration.fromObject({
        days: count(jobs, 'retentionDays', d.retention.as('days')),
      }),
      pruneInterval: d.pruneInterval,
      shutdownGrace: seconds(
        jobs,
        'shutdownGraceSeconds',
        d.shutdownGrace,
        true,
      ),
    };
    validate(options);
    return options;
  }

  constructor(
    private readonly db: Knex,
    private readonly logger: LoggerService,
    private readonly options: JobQueueOptions = DEFAULT_JOB_QUEUE_OPTIONS,
  ) {
    validate(options);
    this.inserts = new GroupCommit({
      ...ENQUEUE_BATCHING,
      commit: rows => insertJobs(this.db, rows),
      onSplit: (error, size) =>
        this.logger.warn(
          `Multivac: enqueueing ${size} jobs together failed, enqueueing them one by one: ${stringifyError(
            error,
          )}`,
        ),
    });
    this.successes = new GroupCommit({
      ...SUCCESS_BATCHING,
      commit: jobs => recordSucceeded(this.db, jobs),
      onSplit: (error, size) =>
        this.logger.warn(
          `Multivac: recording ${size} succeeded jobs together failed, recording them one by one: ${stringifyError(
            error,
          )}`,
        ),
    });
  }

  registerHandler(type: string, handler: JobHandler): void {
    this.register(type, { handler });
  }

  registerBatchHandler(
    type: string,
    handler: BatchJobHandler,
    options: { maxJobs: number },
  ): void {
    if (!Number.isInteger(options.maxJobs) || options.maxJobs < 1) {
      throw new Error(
        `maxJobs of job type '${type}' must be a positive integer, got ${options.maxJobs}`,
      );
    }
    this.register(type, { handler, maxJobs: options.maxJobs });
  }

  private register(type: string, registered: Registered) {
    if (this.handlers.has(type)) {
      throw new Error(`A handler for job type '${type}' is already registered`);
    }
    this.handlers.set(type, registered);
  }

  async enqueue(request: EnqueueRequest, tx?: Transaction): Promise<boolean> {
    const lane = request.lane ?? 'default';
    if (lane !== 'paging' && lane !== 'default') {
      throw new Error(`Unknown job lane '${lane}'`);
    }
    const now = new Date().toISOString();
    const row = (orderSeq: number | null): NewJobRow => ({
      id: randomUUID(),
      type: request.type,
      idempotency_key: request.idempotencyKey,
      incident_id: request.incidentId ?? null,
      payload: JSON.stringify(request.payload),
      status: 'pending',
      attempts: 0,
      max_attempts: request.maxAttempts ?? this.options.maxAttempts,
      run_after: request.runAfter?.toISOString() ?? now,
      created_at: now,
      updated_at: now,
      lane,
      order_key: request.orderKey ?? null,
      order_seq: orderSeq,
    });
    const record = async (db: Knex | Knex.Transaction) => {
      const [stored] = await insertJobs(db, [
        row(request.orderKey === undefined ? null : await nextOrderSeq(db)),
      ]);
      return stored;
    };
    let stored: boolean;
    if (tx) {
      stored = await record(knexOf(tx));
      knexOf(tx)
        .executionPromise.then(() => this.wake())
        .catch(() => {});
    } else {
      // An order number must commit with its job: a later number committed
      // first could let the later job overtake the earlier one. Others share
      // a statement with the enqueues of the moment, and resolve once it
      // committed.
      stored =
        request.orderKey === undefined
          ? await this.inserts.submit(row(null))
          : await this.db.transaction(record);
      this.wake();
    }
    return stored;
  }

  async listForIncident(incidentId: string): Promise<JobSummary[]> {
    const rows = await this.db<JobRow>('multivac_jobs')
      .where({ incident_id: incidentId })
      .orderBy('created_at', 'asc');
    return rows.map(toSummary);
  }

  async latestForIncident(
    incidentId: string,
    limit: number,
  ): Promise<{ items: JobSummary[]; totalCount: number }> {
    const ofIncident = this.db<JobRow>('multivac_jobs').where({
      incident_id: incidentId,
    });
    const [{ total }] = await ofIncident.clone().count({ total: '*' });
    const rows = await ofIncident
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return { items: rows.reverse().map(toSummary), totalCount: Number(total) };
  }

  /** Starts the worker loop. */
  start(): void {
    this.stopped = false;
    this.pump();
  }

  /**
   * Stops the worker and waits (up to the grace period) for its running
   * jobs; those still running then are aborted and left to their lease.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearImmediate(this.waking);
    this.waking = undefined;
    await this.pumping;
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>(resolve => {
      graceTimer = setTimeout(resolve, this.options.shutdownGrace.toMillis());
    });
    await Promise.race([this.settled(), grace]);
    clearTimeout(graceTimer);
    for (const run of this.runs) {
      if (!run.over) {
        run.dropped = 'the worker stopped; the job is left to its lease';
        run.controller.abort(new Error(`The Multivac job worker stopped`));
      }
    }
    await this.settled();
  }

  /**
   * Runs the jobs that are due when it is called, through the slots, and
   * waits for them; returns how many attempts ran (the jobs a batch
   * handler runs together count once). A job that becomes due meanwhile
   * (a retry, a job enqueued by a handler) waits for the next call. Tests
   * call it to step through time; the worker loop does not use it.
   */
  async runDueJobs(): Promise<number> {
    const now = new Date().toISOString();
    const dueIds: { id: string }[] = await this.dueJobs(now, 'default')
      .limit(1000)
      .select('j.id');
    const remaining = new Set(dueIds.map(row => row.id));
    const mine = new Set<Promise<void>>();
    let ran = 0;
    while (remaining.size > 0) {
      const started = await this.fillSlots(remaining);
      ran += started.length;
      for (const run of started) {
        const settled: Promise<void> = run.settled.then(() => {
          mine.delete(settled);
        });
        mine.add(settled);
      }
      if (started.length === 0) {
        if (mine.size === 0) {
          break; // the remaining ones are no longer due, or no slot is ours
        }
        await Promise.race(mine);
      }
    }
    await Promise.all(mine);
    return ran;
  }

  /**
   * Deletes succeeded jobs that finished more than the retention period ago;
   * failed ones are kept until someone handles them. Returns how many went.
   * The worker loop calls it every few minutes.
   */
  async pruneFinishedJobs(now = new Date()): Promise<number> {
    const before = new Date(
      now.getTime() - this.options.retention.toMillis(),
    ).toISOString();
    return this.db('multivac_jobs')
      .where({ status: 'succeeded' })
      .where('finished_at', '<', before)
      .delete();
  }

  private settled(): Promise<unknown> {
    return Promise.all([...this.runs].map(run => run.settled));
  }

  private free(pool: Pool): number {
    let busy = 0;
    for (const run of this.runs) {
      if (run.pool === pool) {
        busy++;
      }
    }
    const size =
      pool === 'paging'
        ? this.options.pagingConcurrency
        : this.options.concurrency;
    return size - busy;
  }

  /**
   * Runs the worker loop once the caller is done: enqueue is on request
   * paths (a Slack acknowledgement), which must not wait for the claim
   * queries a pump starts at once. Several wakes before then are one.
   */
  private wake(): void {
    if (this.waking || this.stopped) {
      return;
    }
    this.waking = setImmediate(() => {
      this.waking = undefined;
      this.pump();
    });
  }

  private schedule(delayMs: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), delayMs);
    this.timer.unref?.();
  }

  /**
   * The worker loop: fills the free slots, prunes now and then, and runs
   * again when a job is enqueued, a slot is freed or the poll interval passed.
   */
  private pump(): void {
    if (this.stopped) {
      return;
    }
    if (this.pumping) {
      this.repump = true;
      return;
    }
    this.pumping = (async () => {
      try {
        do {
          this.repump = false;
          await this.pruneNowAndThen();
          await this.fillSlots();
        } while (this.repump && !this.stopped);
      } catch (error) {
        this.logger.warn(`Multivac job worker: ${stringifyError(error)}`);
      }
    })().finally(() => {
      this.pumping = undefined;
      if (!this.stopped) {
        this.schedule(this.options.pollInterval.toMillis());
      }
    });
  }

  private async pruneNowAndThen() {
    if (Date.now() - this.lastPrune < this.options.pruneInterval.toMillis()) {
      return;
    }
    this.lastPrune = Date.now();
    try {
      const pruned = await this.pruneFinishedJobs();
      if (pruned > 0) {
        this.logger.info(`Multivac pruned ${pruned} succeeded jobs`);
      }
    } catch (error) {
      this.logger.warn(`Multivac job pruning: ${stringifyError(error)}`);
    }
  }

  /**
   * Claims due jobs for the free slots and starts them: one statement claims
   * as many as a pool has free slots. `only`: claim only these jobs (each is
   * removed once claimed).
   */
  private async fillSlots(only?: Set<string>): Promise<Run[]> {
    const started: Run[] = [];
    for (const pool of POOLS) {
      let free = this.free(pool);
      while (free > 0 && (only ? only.size > 0 : !this.stopped)) {
        const claimed = await this.claim(pool, free, only);
        if (claimed.length === 0) {
          break;
        }
        for (const job of claimed) {
          only?.delete(job.id);
          if (job.status === 'failed') {
            this.logger.error(
              `Multivac job ${job.type} (${job.id}): ${job.last_error}`,
            );
          } else {
            started.push(
              this.runInSlot([job, ...(await this.followers(job))], pool),
            );
            free -= 1;
          }
        }
      }
    }
    return started;
  }

  /**
   * Due: pending and past its run time, or running with an expired lease
   * (its worker died); and no earlier job with its order key is unfinished.
   * `j` is the job; `multivac_jobs_claim_idx` holds the jobs of the first
   * condition and `multivac_jobs_order_unfinished_idx` the unfinished jobs
   * of the last, each literally as written here (SQLite uses a partial
   * index only for a query that repeats its condition).
   */
  private dueJobs(now: string, pool: Pool) {
    return this.db<JobRow>('multivac_jobs as j')
      .whereRaw(`j.status in ('pending', 'running')`)
      .where(isDue('j', now))
      .modify(q => {
        if (pool === 'paging') {
          q.where('j.lane', 'paging');
        }
      })
      .where(q =>
        q
          .whereNull('j.order_key')
          .orWhereNotExists(earlier =>
            earlier
              .select('e.id')
              .from('multivac_jobs as e')
              .whereRaw('e.order_key = j.order_key')
              .whereRaw('e.order_seq < j.order_seq')
              .whereRaw(`e.status in ('pending', 'running')`),
          ),
      );
  }

  /**
   * Claims up to `limit` due jobs for slots of the pool, in ONE statement
   * that starts them (running, leased, one more attempt) and returns them:
   * paging lane first (for the default pool), then by run time and age.
   * An expired job that used up its attempts is marked failed by the same
   * statement instead (returned with status `failed`, not to be run): it
   * may have crashed its worker, or have had its effect already.
   *
   * On PostgreSQL the jobs are picked FOR UPDATE SKIP LOCKED, so claims of
   * other workers neither wait for nor take the same jobs; on SQLite the
   * statement runs alone (SQLite has one writer at a time). On both, the
   * update repeats the due condition, so a job is only claimed while due.
   */
  private async claim(
    pool: Pool,
    limit: number,
    only?: Set<string>,
  ): Promise<JobRow[]> {
    const now = new Date().toISOString();
    const lockedUntil = new Date(
      Date.now() + this.options.lease.toMillis(),
    ).toISOString();
    const postgres = isPostgres(this.db);
    const next = this.dueJobs(now, pool)
      .modify(q => {
        if (only) {
          q.whereIn('j.id', [...only]);
        }
        if (postgres) {
          q.forUpdate('j').skipLocked();
        }
      })
      // 'paging' > 'default': paging lane first, as the index is ordered
      .orderBy([
        { column: 'j.lane', order: 'desc' },
        { column: 'j.run_after', order: 'asc' },
        { column: 'j.created_at', order: 'asc' },
      ])
      .limit(limit)
      .select('j.id');
    // An expired job that used up its attempts; `?::timestamptz` on
    // PostgreSQL: a parameter alone in a CASE would be text.
    const spent = `status = 'running' and attempts >= max_attempts`;
    const timestamp = postgres ? '?::timestamptz' : '?';
    // On PostgreSQL the pick is a materialized CTE: as a subquery it may be
    // run again for each row the update looks at, and pick further jobs
    // then, as it skips those the update already changed.
    const jobs: Knex.QueryBuilder = postgres
      ? this.db.withMaterialized('next', next).table('multivac_jobs')
      : this.db('multivac_jobs');
    const picked: Knex.QueryBuilder = postgres
      ? this.db('next').select('id')
      : next;
    const claimed: JobRow[] = await jobs
      .whereIn('id', picked)
      .where(isDue('multivac_jobs', now))
      .update({
        status: this.db.raw(
          `case when ${spent} then 'failed' else 'running' end`,
        ),
        attempts: this.db.raw(
          `case when ${spent} then attempts else attempts + 1 end`,
        ),
        locked_until: this.db.raw(
          `case when ${spent} then null else ${timestamp} end`,
          [lockedUntil],
        ),
        last_error: this.db.raw(
          `case when ${spent} then 'Lease expired after ' || attempts || ' attempt(s) of ' || max_attempts || ' without a result (the worker died or stalled); not run again' else last_error end`,
        ),
        finished_at: this.db.raw(
          `case when ${spent} then ${timestamp} else null end`,
          [now],
        ),
        updated_at: now,
      })
      .returning('*');
    return claimed.sort(
      (a, b) =>
        Number(b.lane === 'paging') - Number(a.lane === 'paging') ||
        toIsoString(a.run_after).localeCompare(toIsoString(b.run_after)) ||
        toIsoString(a.created_at).localeCompare(toIsoString(b.created_at)),
    );
  }

  /**
   * For a job of a batch handler with an order key: the jobs right after it
   * with its key, claimed (running, leased, one more attempt) while they
   * are of its type, due and not used up, up to the handler's `maxJobs`
   * with the job. No other claim can take them meanwhile: the job, which
   * this worker holds, is unfinished and comes first.
   */
  private async followers(job: JobRow): Promise<JobRow[]> {
    const maxJobs = this.handlers.get(job.type)?.maxJobs;
    if (!maxJobs || maxJobs < 2 || job.order_key === null) {
      return [];
    }
    const now = new Date().toISOString();
    const next: JobRow[] = await this.db<JobRow>('multivac_jobs')
      .whereRaw(`status in ('pending', 'running')`)
      .where('order_key', job.order_key)
      .where('order_seq', '>', job.order_seq!)
      .orderBy('order_seq', 'asc')
      .limit(maxJobs - 1);
    const row: JobRow[] = [];
    for (const candidate of next) {
      const due =
        candidate.status === 'pending'
          ? toIsoString(candidate.run_after) <= now
          : toIsoString(candidate.locked_until!) < now;
      if (
        candidate.type !== job.type ||
        !due ||
        candidate.attempts >= candidate.max_attempts
      ) {
        break;
      }
      row.push(candidate);
    }
    if (row.length === 0) {
      return [];
    }
    const claimed = new Map<string, JobRow>(
      (
        (await this.db<JobRow>('multivac_jobs')
          .whereIn('status', ['pending', 'running'])
          .whereIn(
            ['id', 'attempts'],
            row.map(r => [r.id, r.attempts]),
          )
          .update({
            status: 'running',
            attempts: this.db.raw('attempts + 1'),
            locked_until: job.locked_until,
            updated_at: now,
          })
          .returning('*')) as JobRow[]
      ).map(r => [r.id, r]),
    );
    // Only jobs in a row: should one have changed since it was read, those
    // after it are handed back as they were.
    const taken: JobRow[] = [];
    for (const { id } of row) {
      const claimedJob = claimed.get(id);
      if (!claimedJob) {
        break;
      }
      taken.push(claimedJob);
      claimed.delete(id);
    }
    if (claimed.size > 0) {
      await this.db('multivac_jobs')
        .whereIn(
          ['id', 'attempts'],
          [...claimed.values()].map(r => [r.id, r.attempts]),
        )
        .update({
          status: 'pending',
          attempts: this.db.raw('attempts - 1'),
          locked_until: null,
        });
    }
    return taken;
  }

  private runInSlot(jobs: [JobRow, ...JobRow[]], pool: Pool): Run {
    const [job] = jobs;
    const run: Run = {
      jobs,
      pool,
      controller: new AbortController(),
      over: false,
      renewing: false,
      settled: Promise.resolve(),
    };
    this.runs.add(run);
    run.settled = this.execute(run)
      .catch(error =>
        this.logger.error(
          `Multivac job ${job.type} (${job.id}${together(
            jobs,
          )}): could not record the outcome of attempt ${
            job.attempts
          }, it is left to its lease: ${stringifyError(error)}`,
        ),
      )
      .finally(() => {
        this.runs.delete(run);
        this.pump();
      });
    return run;
  }

  /**
   * One attempt: the handler races its deadline and the loss of its lease;
   * whichever comes first ends the attempt and frees the slot.
   */
  private async execute(run: Run): Promise<void> {
    const { jobs, controller } = run;
    const [job] = jobs;
    const { timeout, lease } = this.options;
    const deadline = new Date(Date.now() + timeout.toMillis());
    const deadlineTimer = setTimeout(
      () =>
        controller.abort(
          new JobTimeoutError(
            `Timed out after ${timeout.toHuman()} (${CONFIG_KEY}.timeoutSeconds)`,
          ),
        ),
      timeout.toMillis(),
    );
    const renewal = setInterval(
      () => void this.renew(run),
      (
        this.options.leaseRenewal ?? Duration.fromMillis(lease.toMillis() / 3)
      ).toMillis(),
    );
    let error: unknown;
    let succeeded = false;
    try {
      await Promise.race([
        this.invoke(jobs, controller.signal, deadline),
        aborted(controller.signal),
      ]);
      succeeded = true;
    } catch (e) {
      error = e;
    } finally {
      run.over = true;
      clearTimeout(deadlineTimer);
      clearInterval(renewal);
    }
    if (run.dropped) {
      this.logger.warn(
        `Multivac job ${job.type} (${job.id}${together(
          jobs,
        )}): the outcome of attempt ${job.attempts} is dropped, ${run.dropped}`,
      );
    } else if (succeeded) {
      await Promise.all(jobs.map(done => this.successes.submit(done)));
    } else {
      for (const failedJob of jobs) {
        await this.failed(failedJob, error);
      }
    }
  }

  /** The handler's promise; what it does after its attempt ended is ignored. */
  private invoke(
    jobs: [JobRow, ...JobRow[]],
    signal: AbortSignal,
    deadline: Date,
  ): Promise<void> {
    const handling = (async () => {
      const [job] = jobs;
      const registered = this.handlers.get(job.type);
      if (!registered) {
        throw new Error(`No handler is registered for job type '${job.type}'`);
      }
      const contexts = jobs.map(
        (row): JobContext => ({
          id: row.id,
          type: row.type,
          incidentId: row.incident_id ?? undefined,
          payload: JSON.parse(row.payload),
          attempt: row.attempts,
          signal,
          deadline,
        }),
      );
      if (registered.maxJobs === undefined) {
        await registered.handler(contexts[0]);
      } else {
        await registered.handler(contexts);
      }
    })();
    handling.catch(() => {});
    return handling;
  }

  /**
   * Extends the lease of a running attempt; when the job is no longer ours
   * (another worker took it over after the lease expired) aborts the attempt
   * and drops its outcome.
   */
  private async renew(run: Run) {
    if (run.over || run.renewing) {
      return;
    }
    run.renewing = true;
    const { jobs } = run;
    const [job] = jobs;
    try {
      const now = Date.now();
      const kept = await this.db('multivac_jobs')
        .where('status', 'running')
        .whereIn(
          ['id', 'attempts'],
          jobs.map(held => [held.id, held.attempts]),
        )
        .update({
          locked_until: new Date(
            now + this.options.lease.toMillis(),
          ).toISOString(),
          updated_at: new Date(now).toISOString(),
        });
      if (kept < jobs.length && !run.over) {
        run.dropped = 'its lease was lost to another worker';
        run.controller.abort(
          new Error(
            `The lease of job ${job.id} was lost: another worker runs it now`,
          ),
        );
      }
    } catch (error) {
      this.logger.warn(
        `Multivac job ${job.type} (${
          job.id
        }): could not renew its lease: ${stringifyError(error)}`,
      );
    } finally {
      run.renewing = false;
    }
  }

  /** The job's row while this worker's attempt still holds it. */
  private ours(job: JobRow) {
    return this.db('multivac_jobs').where({
      id: job.id,
      attempts: job.attempts,
      status: 'running',
    });
  }

  private async failed(job: JobRow, error: unknown) {
    const message = stringifyError(error);
    if (job.attempts >= job.max_attempts) {
      this.logger.error(
        `Multivac job ${job.type} (${job.id}) failed for good after ${job.attempts} attempts: ${message}`,
      );
      await this.finish(job, { status: 'failed', last_error: message });
      return;
    }
    const delay = this.backoff(job.attempts);
    this.logger.warn(
      `Multivac job ${job.type} (${job.id}) failed on attempt ${
        job.attempts
      } of ${job.max_attempts}, retrying in ${delay.toHuman()}: ${message}`,
    );
    await this.ours(job).update({
      status: 'pending',
      locked_until: null,
      last_error: message,
      run_after: new Date(Date.now() + delay.toMillis()).toISOString(),
      updated_at: new Date().toISOString(),
    });
  }

  private async finish(
    job: JobRow,
    result: { status: 'failed'; last_error: string },
  ) {
    const now = new Date().toISOString();
    await this.ours(job).update({
      ...result,
      locked_until: null,
      finished_at: now,
      updated_at: now,
    });
  }

  /** initialBackoff, doubled per further attempt, capped at maxBackoff. */
  private backoff(attempts: number): Duration {
    const ms = Math.min(
      this.options.initialBackoff.toMillis() * 2 ** (attempts - 1),
      this.options.maxBackoff.toMillis(),
    );
    return Duration.fromMillis(ms).shiftTo('seconds');
  }
}

/**
 * Inserts jobs in one statement; for each, whether it was stored (false:
 * its idempotency key was there already, or earlier in `rows`). RETURNING
 * (SQLite 3.35+, PostgreSQL) yields only the rows this statement stored.
 */
async function insertJobs(
  db: Knex | Knex.Transaction,
  rows: NewJobRow[],
): Promise<boolean[]> {
  const inserted: Array<{ id: string }> = await db('multivac_jobs')
    .insert(rows)
    .onConflict('idempotency_key')
    .ignore()
    .returning('id');
  const ids = new Set(inserted.map(({ id }) => id));
  return rows.map(({ id }) => ids.has(id));
}

/**
 * Records the attempts of `jobs` as succeeded in one statement; a job whose
 * attempt no longer holds it (its lease was taken over) is left alone.
 */
async function recordSucceeded(db: Knex, jobs: JobRow[]): Promise<void[]> {
  const now = new Date().toISOString();
  await db('multivac_jobs')
    .where('status', 'running')
    .whereIn(
      ['id', 'attempts'],
      jobs.map(job => [job.id, job.attempts]),
    )
    .update({
      status: 'succeeded',
      last_error: null,
      locked_until: null,
      finished_at: now,
      updated_at: now,
    });
  return jobs.map(() => undefined);
}

/**
 * The next enqueue order number, from a counter seeded by a migration. The
 * UPDATE takes the row lock on PostgreSQL until the enqueueing transaction
 * commits, so order numbers commit in order.
 */
async function nextOrderSeq(db: Knex | Knex.Transaction): Promise<number> {
  const [{ value }] = await db('multivac_counters')
    .where({ name: 'job_order' })
    .increment('value', 1)
    .returning('value');
  return Number(value);
}

/**
 * The due condition on a job row of `table`: pending and past its run time,
 * or running with an expired lease.
 */
function isDue(table: string, now: string) {
  return (q: Knex.QueryBuilder) =>
    q
      .where(p =>
        p
          .where(`${table}.status`, 'pending')
          .where(`${table}.run_after`, '<=', now),
      )
      .orWhere(r =>
        r
          .where(`${table}.status`, 'running')
          .where(`${table}.locked_until`, '<', now),
      );
}

function toSummary(row: JobRow): JobSummary {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error ?? undefined,
    nextRunAt:
      row.status === 'pending' ? toIsoString(row.run_after) : undefined,
    createdAt: toIsoString(row.created_at),
    finishedAt: optionalIsoString(row.finished_at),
  };
}

/** For messages about an attempt: the jobs that run with its first one. */
function together(jobs: JobRow[]): string {
  return jobs.length > 1 ? ` with the ${jobs.length - 1} after it` : '';
}
