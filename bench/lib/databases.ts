/*
 * The databases a benchmark runs a whole backend on: a SQLite file per
 * plugin (as Backstage does in development) or a fresh PostgreSQL database
 * per plugin, dropped afterwards.
 */
import { JsonObject } from '@backstage/types';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the plugins keep their data, and how to read the multivac one. */
export interface BenchDatabase {
  name: string;
  /** `backend.database` */
  config: JsonObject;
  /** A connection to the multivac plugin's database. */
  connect(): Knex;
  remove(): Promise<void>;
}

/** `label` names the temporary folder (SQLite) or the database prefix. */
export function sqliteFile(label: string): BenchDatabase {
  const directory = mkdtempSync(join(tmpdir(), `${label}-`));
  return {
    name: 'SQLite file',
    // One file per plugin in the directory, as Backstage does.
    config: { client: 'better-sqlite3', connection: { directory } },
    connect: () =>
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(directory, 'multivac.sqlite') },
        useNullAsDefault: true,
      }),
    remove: async () => rmSync(directory, { recursive: true }),
  };
}

export function postgres(
  connectionString: string,
  label: string,
): BenchDatabase {
  const prefix = `bench_${label.replace(/-/g, '_')}_${randomBytes(4).toString(
    'hex',
  )}_`;
  // The database goes into the URL: node-postgres prefers the URL's to `database`.
  const connect = (database: string) => {
    const url = new URL(connectionString);
    url.pathname = `/${database}`;
    return knexFactory({ client: 'pg', connection: url.toString() });
  };
  return {
    name: 'PostgreSQL',
    config: { client: 'pg', connection: connectionString, prefix },
    connect: () => connect(`${prefix}multivac`),
    async remove() {
      const admin = connect('postgres');
      try {
        const { rows } = await admin.raw(
          'SELECT datname FROM pg_database WHERE datname LIKE ?',
          [`${prefix}%`],
        );
        for (const { datname } of rows as Array<{ datname: string }>) {
          await admin.raw('DROP DATABASE ?? WITH (FORCE)', [datname]);
        }
      } finally {
        await admin.destroy();
      }
    },
  };
}
