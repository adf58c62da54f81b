import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const migrationsDir = resolvePackagePath(
  '@multivac/plugin-multivac-backend-module-pagerduty',
  'migrations',
);
const TABLE = 'multivac_pagerduty_schedule_reconciles';

export type ReconcileStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'retrying';

/** The PagerDuty objects of a schedule, as far as they exist. */
export interface PagerDutyIds {
  scheduleId: string | null;
  escalationPolicyId: string | null;
  serviceIds: string[];
}

/** The state of a schedule's reconcile, as the REST API answers it. */
export interface ReconcileState {
  status: ReconcileStatus;
  attempts: number;
  lastError: string | null;
  lastRunAt: string | null;
  nextAttemptAt: string | null;
  pagerDuty: PagerDutyIds;
}

export interface ReconcileRecord extends ReconcileState {
  entityRef: string;
  account: string;
  /** Of what was last applied successfully. */
  specHash: string | null;
  /** Of what the latest run worked on, whatever its outcome. */
  attemptedHash: string | null;
}

/** A running reconcile holding its schedule longer than this has died. */
export const RUN_LEASE_MS = 10 * 60_000;

/** The reconcile table, shared by every replica. */
export class ReconcileStore {
  static async create(database: DatabaseService): Promise<ReconcileStore> {
    const db = await database.getClient();
    if (!database.migrations?.skip) {
      await db.migrate.latest({
        directory: migrationsDir,
        tableName: 'multivac_pagerduty_knex_migrations',
      });
    }
    return new ReconcileStore(db);
  }

  constructor(private readonly db: Knex) {}

  async get(entityRef: string): Promise<ReconcileRecord | undefined> {
    const row = await this.db(TABLE).where({ entity_ref: entityRef }).first();
    return row ? toRecord(row) : undefined;
  }

  async list(): Promise<ReconcileRecord[]> {
    return (await this.db(TABLE).select()).map(toRecord);
  }

  /**
   * Records the ids PagerDuty gave, as soon as it gave them, so a run that
   * fails half-way resumes instead of creating them again.
   */
  async recordIds(
    entityRef: string,
    account: string,
    ids: Partial<PagerDutyIds>,
  ): Promise<void> {
    const now = new Date().toISOString();
    const fields = {
      ...(ids.scheduleId !== undefined && { schedule_id: ids.scheduleId }),
      ...(ids.escalationPolicyId !== undefined && {
        escalation_policy_id: ids.escalationPolicyId,
      }),
      ...(ids.serviceIds !== undefined && {
        service_ids: JSON.stringify(ids.serviceIds),
      }),
      account,
      updated_at: now,
    };
    await this.db(TABLE)
      .insert({
        entity_ref: entityRef,
        status: 'pending',
        attempts: 0,
        service_ids: '[]',
        ...fields,
      })
      .onConflict('entity_ref')
      .merge(fields);
  }

  /** Marks a reconcile as asked for, unless one is running. */
  async markPending(entityRef: string, account: string): Promise<void> {
    await this.recordIds(entityRef, account, {});
    await this.db(TABLE)
      .where({ entity_ref: entityRef })
      .whereNot({ status: 'running' })
      .update({
        status: 'pending',
        next_attempt_at: null,
        updated_at: new Date().toISOString(),
      });
  }

  /**
   * Takes the schedule for one run: false while another run holds it (and
   * its lease has not run out).
   */
  async claim(
    entityRef: string,
    account: string,
    runId: string,
    attempt: number,
    /** The hash of what this run applies. */
    specHash: string,
  ): Promise<boolean> {
    await this.recordIds(entityRef, account, {});
    const now = new Date();
    const updated = await this.db(TABLE)
      .where({ entity_ref: entityRef })
      .andWhere(q =>
        q
          .whereNot({ status: 'running' })
          .orWhere({ run_id: runId })
          .orWhere(
            'last_run_at',
            '<',
            new Date(now.getTime() - RUN_LEASE_MS).toISOString(),
          ),
      )
      .update({
        status: 'running',
        run_id: runId,
        attempts: attempt,
        attempted_hash: specHash,
        last_run_at: now.toISOString(),
        next_attempt_at: null,
        updated_at: now.toISOString(),
      });
    return updated === 1;
  }

  /** The outcome of the run holding the schedule. */
  async finish(
    entityRef: string,
    runId: string,
    outcome:
      | { status: 'succeeded'; specHash: string }
      | { status: 'failed'; error: string }
      | { status: 'retrying'; error: string; nextAttemptAt: Date },
  ): Promise<void> {
    await this.db(TABLE)
      .where({ entity_ref: entityRef, run_id: runId })
      .update({
        status: outcome.status,
        last_error: outcome.status === 'succeeded' ? null : outcome.error,
        next_attempt_at:
          outcome.status === 'retrying'
            ? outcome.nextAttemptAt.toISOString()
            : null,
        ...(outcome.status === 'succeeded' && {
          spec_hash: outcome.specHash,
        }),
        run_id: outcome.status === 'retrying' ? runId : null,
        updated_at: new Date().toISOString(),
      });
  }
}

function toIso(value: Date | string | null): string | null {
  return value === null || value === undefined
    ? null
    : new Date(value).toISOString();
}

function toRecord(row: any): ReconcileRecord {
  return {
    entityRef: row.entity_ref,
    account: row.account,
    specHash: row.spec_hash ?? null,
    attemptedHash: row.attempted_hash ?? null,
    status: row.status,
    attempts: Number(row.attempts),
    lastError: row.last_error ?? null,
    lastRunAt: toIso(row.last_run_at),
    nextAttemptAt: toIso(row.next_attempt_at),
    pagerDuty: {
      scheduleId: row.schedule_id ?? null,
      escalationPolicyId: row.escalation_policy_id ?? null,
      serviceIds: JSON.parse(row.service_ids ?? '[]'),
    },
  };
}

/** The state part of a record, as the REST API answers it. */
export function stateOf(record: ReconcileRecord): ReconcileState {
  const { status, attempts, lastError, lastRunAt, nextAttemptAt, pagerDuty } =
    record;
  return { status, attempts, lastError, lastRunAt, nextAttemptAt, pagerDuty };
}
