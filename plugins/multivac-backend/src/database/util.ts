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
