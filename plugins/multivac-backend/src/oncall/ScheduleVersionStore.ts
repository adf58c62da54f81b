import { Knex } from 'knex';
import { createHash } from 'crypto';
import { DateTime } from 'luxon';
import { toIsoString } from '../database/util';
import {
  effectiveFromOfNewVersion,
  ScheduleDefinition,
  scheduleWithHistory,
  SeenScheduleVersion,
} from './schedule';

/** A version of a catalog schedule as its entity gives it. */
export interface ScheduleVersionInput {
  entityRef: string;
  definition: ScheduleDefinition;
  /** The spec's `effectiveFrom`, if any. */
  effectiveFrom?: string;
}

/**
 * The versions of the catalog's schedules, kept because the catalog only has
 * the latest entity.
 */
export interface ScheduleVersionStore {
  /**
   * Records the version if it differs from the schedule's latest one
   * (effective from its `effectiveFrom`, never before `now` once the
   * schedule has history; default the next hand-off) and returns the
   * schedule with its history.
   */
  observe(
    version: ScheduleVersionInput,
    now: DateTime,
  ): Promise<ScheduleDefinition>;
  /** Every version of a schedule, in the order seen. */
  versions(scheduleId: string): Promise<SeenScheduleVersion[]>;
}

interface Row {
  id: number;
  schedule_id: string;
  fingerprint: string;
  definition: string;
  effective_from: Date | string | null;
  seen_at: Date | string;
}

const TABLE = 'multivac_schedule_versions';

export class DatabaseScheduleVersionStore implements ScheduleVersionStore {
  /** The latest fingerprint and history per schedule, so an unchanged schedule costs no query. */
  readonly #known = new Map<
    string,
    { fingerprint: string; schedule: ScheduleDefinition }
  >();

  constructor(private readonly db: Knex) {}

  async observe(
    version: ScheduleVersionInput,
    now: DateTime,
  ): Promise<ScheduleDefinition> {
    const { id } = version.definition;
    const fingerprint = fingerprintOf(version);
    const known = this.#known.get(id);
    if (known?.fingerprint === fingerprint) {
      return known.schedule;
    }
    const schedule = await this.#observe(version, fingerprint, now);
    this.#known.set(id, { fingerprint, schedule });
    return schedule;
  }

  async #observe(
    version: ScheduleVersionInput,
    fingerprint: string,
    now: DateTime,
  ): Promise<ScheduleDefinition> {
    const { id } = version.definition;
    return this.db.transaction(async tx => {
      const rows = await this.rows(tx, id);
      const seen = rows.map(toVersion);
      const last = rows[rows.length - 1];
      if (last && last.fingerprint === fingerprint) {
        return scheduleWithHistory(seen)!;
      }
      const effectiveFrom = effectiveFromOfNewVersion({
        current: scheduleWithHistory(seen),
        effectiveFrom: version.effectiveFrom,
        now,
      });
      const seenAt = now.toUTC().toISO()!;
      await tx(TABLE).insert({
        schedule_id: id,
        entity_ref: version.entityRef,
        fingerprint,
        definition: JSON.stringify(version.definition),
        effective_from: effectiveFrom ?? null,
        seen_at: seenAt,
      });
      return scheduleWithHistory([
        ...seen,
        { definition: version.definition, effectiveFrom, seenAt },
      ])!;
    });
  }

  async versions(scheduleId: string): Promise<SeenScheduleVersion[]> {
    return (await this.rows(this.db, scheduleId)).map(toVersion);
  }

  private async rows(db: Knex, scheduleId: string): Promise<Row[]> {
    return db<Row>(TABLE)
      .where({ schedule_id: scheduleId })
      .orderBy('id', 'asc')
      .select('*');
  }
}

function toVersion(row: Row): SeenScheduleVersion {
  return {
    definition: JSON.parse(row.definition),
    ...(row.effective_from !== null && {
      effectiveFrom: toIsoString(row.effective_from),
    }),
    seenAt: toIsoString(row.seen_at),
  };
}

/** The same definition and effectiveFrom give the same fingerprint. */
function fingerprintOf(version: ScheduleVersionInput): string {
  return createHash('sha256')
    .update(
      stableJson({
        definition: version.definition,
        effectiveFrom: version.effectiveFrom ?? null,
      }),
    )
    .digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableJson).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter(key => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map(
        key =>
          `${JSON.stringify(key)}:${stableJson(
            (value as Record<string, unknown>)[key],
          )}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
