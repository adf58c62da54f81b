import { OnCallOverrideRecord } from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { optionalIsoString, toIsoString } from '../database/util';

/** A new override; times are ISO strings with an offset. */
export interface NewOverride {
  scheduleId: string;
  userRef: string;
  start: string;
  end: string;
  createdBy: string;
  reason?: string;
}

/**
 * Shift cover stored by Multivac (issue 19), applied on top of whichever
 * version of a schedule is effective (see OverriddenScheduleRegistry).
 */
export interface OverrideStore {
  create(override: NewOverride, now: Date): Promise<OnCallOverrideRecord>;
  get(id: string): Promise<OnCallOverrideRecord | undefined>;
  /**
   * Overrides not cancelled that end after `after`, in the order made; of
   * one schedule, or of every schedule.
   */
  listActive(options: {
    scheduleId?: string;
    after: Date;
  }): Promise<OnCallOverrideRecord[]>;
  /** Marks it cancelled; false when it was already cancelled or not found. */
  cancel(id: string, by: string, now: Date): Promise<boolean>;
}

interface Row {
  id: string;
  schedule_id: string;
  user_ref: string;
  start_at: Date | string;
  end_at: Date | string;
  created_by: string;
  reason: string | null;
  created_at: Date | string;
  cancelled_at: Date | string | null;
  cancelled_by: string | null;
}

const TABLE = 'multivac_oncall_overrides';

function toRecord(row: Row): OnCallOverrideRecord {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    userRef: row.user_ref,
    start: toIsoString(row.start_at),
    end: toIsoString(row.end_at),
    createdBy: row.created_by,
    ...(row.reason !== null && { reason: row.reason }),
    createdAt: toIsoString(row.created_at),
    ...(row.cancelled_at !== null && {
      cancelledAt: optionalIsoString(row.cancelled_at),
      cancelledBy: row.cancelled_by ?? undefined,
    }),
  };
}

export class DatabaseOverrideStore implements OverrideStore {
  constructor(private readonly db: Knex) {}

  async create(
    override: NewOverride,
    now: Date,
  ): Promise<OnCallOverrideRecord> {
    const row: Row = {
      id: randomUUID(),
      schedule_id: override.scheduleId,
      user_ref: override.userRef,
      start_at: toIsoString(override.start),
      end_at: toIsoString(override.end),
      created_by: override.createdBy,
      reason: override.reason ?? null,
      created_at: now.toISOString(),
      cancelled_at: null,
      cancelled_by: null,
    };
    await this.db<Row>(TABLE).insert(row);
    return toRecord(row);
  }

  async get(id: string): Promise<OnCallOverrideRecord | undefined> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    return row && toRecord(row);
  }

  async listActive(options: {
    scheduleId?: string;
    after: Date;
  }): Promise<OnCallOverrideRecord[]> {
    const query = this.db<Row>(TABLE)
      .whereNull('cancelled_at')
      .where('end_at', '>', options.after.toISOString())
      // Later made wins where two overlap (the engine paints in order).
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    if (options.scheduleId !== undefined) {
      query.where({ schedule_id: options.scheduleId });
    }
    return (await query).map(toRecord);
  }

  async cancel(id: string, by: string, now: Date): Promise<boolean> {
    const changed = await this.db<Row>(TABLE)
      .where({ id })
      .whereNull('cancelled_at')
      .update({ cancelled_at: now.toISOString(), cancelled_by: by });
    return changed > 0;
  }
}
