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
 * Switches a SQLite file to write-ahead logging: a commit is then one
 * append and one fsync instead of a rollback journal's several, and reads
 * do not wait for writes. better-sqlite3 runs on the event loop, so this
 * halves how long the Slack inbox keeps Slack waiting (bench/slack-ack.ts).
 * Durability is unchanged (synchronous stays FULL); the mode is kept in the
 * file. Other databases, and SQLite in memory, are left as they are.
 */
export async function useWriteAheadLog(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'better-sqlite3') {
    await knex.raw('PRAGMA journal_mode = WAL');
  }
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
