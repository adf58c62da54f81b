import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import { JobStatus, JobSummary } from '@multivac/plugin-multivac-common';
import { Duration } from 'luxon';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { optionalIsoString, toIsoString } from '../database/util';
import { EnqueueRequest, JobContext, JobHandler, JobQueue } from './JobQueue';
import { knexOf, Transaction } from '../database/Transaction';

export interface JobQueueOptions {
  /** Attempts before a job is marked failed. */
  maxAttempts: number;
  /** Delay before the first retry; doubles on each further retry. */
  initialBackoff: Duration;
  maxBackoff: Duration;
  /** How long a claimed job is reserved for its worker before others may take it over. */
  lease: Duration;
  /** How often the worker looks for due jobs (it is also woken by new ones). */
  pollInterval: Duration;
  /** Jobs claimed per poll. */
  batchSize: number;
  /**
   * How long shutdown waits for running jobs; a job still running after that
   * is left to its lease and run again by a worker that is alive.
   */
  shutdownGrace: Duration;
}

export const DEFAULT_JOB_QUEUE_OPTIONS: JobQueueOptions = {
  maxAttempts: 8,
  initialBackoff: Duration.fromObject({ seconds: 5 }),
  maxBackoff: Duration.fromObject({ minutes: 15 }),
  lease: Duration.fromObject({ minutes: 5 }),
  pollInterval: Duration.fromObject({ seconds: 2 }),
  batchSize: 10,
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
};

function seconds(config: Config | undefined, key: string, fallback: Duration) {
  const value = config?.getOptionalNumber(key);
  return value === undefined
    ? fallback
    : Duration.fromObject({ seconds: value });
}

/**
 * Job queue on the plugin database. Workers on several replicas share it
 * safely: a job is claimed by a conditional UPDATE that only one worker can
 * win, and a claim is a lease, so a job whose worker died (crash, restart) is
 * run again once the lease expires.
 */
export class DatabaseJobQueue implements JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private rerun = false;
  private stopped = true;

  static optionsFromConfig(config: Config): JobQueueOptions {
    const jobs = config.getOptionalConfig('multivac.jobs');
    const d = DEFAULT_JOB_QUEUE_OPTIONS;
    return {
      maxAttempts: jobs?.getOptionalNumber('maxAttempts') ?? d.maxAttempts,
      initialBackoff: seconds(jobs, 'initialBackoffSeconds', d.initialBackoff),
      maxBackoff: seconds(jobs, 'maxBackoffSeconds', d.maxBackoff),
      lease: seconds(jobs, 'leaseSeconds', d.lease),
      pollInterval: seconds(jobs, 'pollIntervalSeconds', d.pollInterval),
      batchSize: jobs?.getOptionalNumber('batchSize') ?? d.batchSize,
      shutdownGrace: seconds(jobs, 'shutdownGraceSeconds', d.shutdownGrace),
    };
  }

  constructor(
    private readonly db: Knex,
    private readonly logger: LoggerService,
    private readonly options: JobQueueOptions = DEFAULT_JOB_QUEUE_OPTIONS,
  ) {}

  registerHandler(type: string, handler: JobHandler): void {
    if (this.handlers.has(type)) {
      throw new Error(`A handler for job type '${type}' is already registered`);
    }
    this.handlers.set(type, handler);
  }

  async enqueue(request: EnqueueRequest, tx?: Transaction): Promise<boolean> {
    const now = new Date().toISOString();
    const id = randomUUID();
    const db = tx ? knexOf(tx) : this.db;
    await db('multivac_jobs')
      .insert({
        id,
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
      })
      .onConflict('idempotency_key')
      .ignore();
    // Portable across SQLite and PostgreSQL, unlike reading what the insert returned.
    const stored = await db('multivac_jobs')
      .where({ idempotency_key: request.idempotencyKey })
      .first('id');
    if (tx) {
      knexOf(tx)
        .executionPromise.then(() => this.wake())
        .catch(() => {});
    } else {
      this.wake();
    }
    return stored?.id === id;
  }

  async listForIncident(incidentId: string): Promise<JobSummary[]> {
    const rows = await this.db<JobRow>('multivac_jobs')
      .where({ incident_id: incidentId })
      .orderBy('created_at', 'asc');
    return rows.map(toSummary);
  }

  /** Starts the worker loop. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the worker and waits (up to the grace period) for its running jobs. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>(resolve => {
      graceTimer = setTimeout(resolve, this.options.shutdownGrace.toMillis());
    });
    await Promise.race([this.running, grace]);
    clearTimeout(graceTimer);
  }

  /**
   * Claims and runs the jobs that are due now; returns how many ran. The
   * worker loop calls it; tests call it directly to step through time.
   */
  async runDueJobs(): Promise<number> {
    const claimed = await this.claimDueJobs();
    await Promise.all(claimed.map(job => this.execute(job)));
    return claimed.length;
  }

  private wake() {
    if (this.stopped) {
      return;
    }
    if (this.running) {
      this.rerun = true;
    } else {
      this.schedule(0);
    }
  }

  private schedule(delayMs: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loop(), delayMs);
    this.timer.unref?.();
  }

  private loop() {
    if (this.stopped || this.running) {
      return;
    }
    this.running = (async () => {
      try {
        let ran: number;
        do {
          this.rerun = false;
          ran = await this.runDueJobs();
        } while (!this.stopped && (ran > 0 || this.rerun));
      } catch (error) {
        this.logger.warn(`Multivac job worker: ${stringifyError(error)}`);
      }
    })().finally(() => {
      this.running = undefined;
      if (!this.stopped) {
        this.schedule(this.options.pollInterval.toMillis());
      }
    });
  }

  private async claimDueJobs(): Promise<JobRow[]> {
    const now = new Date().toISOString();
    const due = (query: Knex.QueryBuilder) =>
      query.where(q =>
        q
          .where(p =>
            p.where('status', 'pending').where('run_after', '<=', now),
          )
          .orWhere(r =>
            r.where('status', 'running').where('locked_until', '<', now),
          ),
      );
    const candidates: JobRow[] = await due(this.db<JobRow>('multivac_jobs'))
      .orderBy('run_after', 'asc')
      .limit(this.options.batchSize);
    const lockedUntil = new Date(
      Date.now() + this.options.lease.toMillis(),
    ).toISOString();
    const claimed: JobRow[] = [];
    for (const job of candidates) {
      const won = await due(this.db('multivac_jobs').where({ id: job.id }))
        .where({ attempts: job.attempts })
        .update({
          status: 'running',
          locked_until: lockedUntil,
          attempts: job.attempts + 1,
          updated_at: now,
        });
      if (won === 1) {
        claimed.push({ ...job, attempts: job.attempts + 1 });
      }
    }
    return claimed;
  }

  private async execute(job: JobRow): Promise<void> {
    const handler = this.handlers.get(job.type);
    try {
      if (!handler) {
        throw new Error(`No handler is registered for job type '${job.type}'`);
      }
      const context: JobContext = {
        id: job.id,
        type: job.type,
        incidentId: job.incident_id ?? undefined,
        payload: JSON.parse(job.payload),
        attempt: job.attempts,
      };
      await handler(context);
      await this.finish(job, { status: 'succeeded', last_error: null });
    } catch (error) {
      const message = stringifyError(error);
      if (job.attempts >= job.max_attempts) {
        this.logger.error(
          `Multivac job ${job.type} (${job.id}) failed for good after ${job.attempts} attempts: ${message}`,
        );
        await this.finish(job, { status: 'failed', last_error: message });
      } else {
        const delay = this.backoff(job.attempts);
        this.logger.warn(
          `Multivac job ${job.type} (${job.id}) failed on attempt ${
            job.attempts
          } of ${job.max_attempts}, retrying in ${delay.toHuman()}: ${message}`,
        );
        await this.db('multivac_jobs')
          .where({ id: job.id, attempts: job.attempts })
          .update({
            status: 'pending',
            locked_until: null,
            last_error: message,
            run_after: new Date(Date.now() + delay.toMillis()).toISOString(),
            updated_at: new Date().toISOString(),
          });
      }
    }
  }

  private async finish(
    job: JobRow,
    result: { status: JobStatus; last_error: string | null },
  ) {
    const now = new Date().toISOString();
    await this.db('multivac_jobs')
      .where({ id: job.id, attempts: job.attempts })
      .update({
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
