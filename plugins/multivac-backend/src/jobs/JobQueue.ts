import { JobSummary } from '@multivac/plugin-multivac-common';
import { Transaction } from '../database/Transaction';

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
}

export interface JobContext {
  id: string;
  type: string;
  incidentId?: string;
  payload: Record<string, unknown>;
  /** 1 on the first run. */
  attempt: number;
}

export type JobHandler = (job: JobContext) => Promise<void>;

/**
 * Durable side effects: recorded (optionally inside the transaction of the
 * change that caused them), then run by a worker with retries and back-off.
 */
export interface JobQueue {
  registerHandler(type: string, handler: JobHandler): void;
  /** False when a job with the same idempotency key already exists. */
  enqueue(request: EnqueueRequest, tx?: Transaction): Promise<boolean>;
  listForIncident(incidentId: string): Promise<JobSummary[]>;
}
