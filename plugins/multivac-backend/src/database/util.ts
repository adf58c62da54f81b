import { Knex } from 'knex';

/** Timestamps are written as ISO strings; PostgreSQL reads them back as Dates. */
export function toIsoString(value: Date | string | number): string {
  return new Date(value).toISOString();
}

export function optionalIsoString(
  value: Date | string | number | null | undefined,
): string | undefined {
  return value === null || value === undefined ? undefined : toIsoString(value);
}

export function nowIso(): string {
  return new Date().toISOString();
}

export function isPostgres(knex: Knex): boolean {
  return knex.client.config.client === 'pg';
}

/**
 * The next value of a counter seeded by a migration. The UPDATE takes the row
 * lock on PostgreSQL, so concurrent transactions get consecutive numbers.
 */
export async function nextNumber(
  tx: Knex.Transaction,
  counter: 'incident_number' | 'report_number' | 'release_number',
): Promise<number> {
  await tx('multivac_counters').where({ name: counter }).increment('value', 1);
  const { value } = await tx('multivac_counters')
    .where({ name: counter })
    .first('value');
  return Number(value);
}
