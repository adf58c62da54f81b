import { JobSummary } from '@multivac/plugin-multivac-common';
import { Transaction } from '../database/Transaction';

/**
 * Where a job runs: `paging` jobs (page delivery, acknowledgement,
 * escalation, the paging of triage reports) have slots of their own, so
 * chat and tracker traffic can never delay a page.
 */
export type JobLane = 'paging' | 'default';

export interface EnqueueRequest {
  /** Selects the handler, e.g. `subscriber:slack`. */
  type: string;
  /** Enqueueing the same key again has no effect. */
  idempotencyKey: string;
  /** Shows the job on this incident. */
  incidentId?: string;
  payload: Record<string, unknown>;
  maxAttempts?: number;
  /** Not before this time (e.g. an escalation timeout); default now. */
  runAfter?: Date;
  /** Default `default`; pages and escalations go to `paging`. */
  lane?: JobLane;
  /**
   * Jobs with the same order key run one at a time, in the order they were
   * enqueued: a job waits while an earlier one with its key is pending
   * (including waiting for a retry or its `runAfter`) or running. A job that
   * failed for good no longer holds the later ones back.
   */
  orderKey?: string;
}

export interface JobContext {
  id: string;
  type: string;
  incidentId?: string;
  payload: Record<string, unknown>;
  /** 1 on the first run. */
  attempt: number;
  /**
   * Aborted when the attempt's deadline passes, when another worker took the
   * job over (its lease was lost) or when the worker stops; pass it to HTTP
   * clients. The attempt ends at that moment whether the handler returns or
   * not, and nothing the handler does afterwards counts.
   */
  signal: AbortSignal;
  /** When the attempt times out (`multivac.jobs.timeoutSeconds`). */
  deadline: Date;
}

export type JobHandler = (job: JobContext) => Promise<void>;

/**
 * Runs jobs that come in a row as one attempt: the jobs in the order they
 * were enqueued; they succeed or fail together.
 */
export type BatchJobHandler = (jobs: JobContext[]) => Promise<void>;

/**
 * Durable side effects: recorded (optionally inside the transaction of the
 * change that caused them), then run by a worker with retries and back-off.
 */
export interface JobQueue {
  registerHandler(type: string, handler: JobHandler): void;
  /**
   * A handler for jobs with an order key that may run together: when a
   * job's turn comes, the jobs enqueued right after it with the same order
   * key and type (due, not used up) come with it, up to `maxJobs` in all,
   * so a backlog is worked off in a few attempts instead of one per job.
   * Jobs without an order key run alone. One registry with
   * `registerHandler`: a type has one handler.
   */
  registerBatchHandler(
    type: string,
    handler: BatchJobHandler,
    options: { maxJobs: number },
  ): void;
  /** False when a job with the same idempotency key already exists. */
  enqueue(request: EnqueueRequest, tx?: Transaction): Promise<boolean>;
  listForIncident(incidentId: string): Promise<JobSummary[]>;
  /** The incident's `limit` latest jobs (oldest first) and how many it has. */
  latestForIncident(
    incidentId: string,
    limit: number,
  ): Promise<{ items: JobSummary[]; totalCount: number }>;
}
