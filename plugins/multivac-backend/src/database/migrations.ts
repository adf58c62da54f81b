import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { useWriteAheadLog } from './util';

const migrationsDir = resolvePackagePath(
  '@multivac/plugin-multivac-backend',
  'migrations',
);

/**
 * Brings the plugin's tables to the latest schema (every store's tables:
 * `migrations/` holds one migration per domain). The one place migrations
 * run from.
 */
export async function migrateDatabase(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: migrationsDir,
    tableName: 'multivac_knex_migrations',
  });
}

/**
 * The plugin's database, ready for its stores: write-ahead logging on
 * SQLite, and migrated unless the adopter turned migrations off
 * (`backend.database.plugin.multivac.skipMigrations`).
 */
export async function openDatabase(database: DatabaseService): Promise<Knex> {
  const knex = await database.getClient();
  await useWriteAheadLog(knex);
  if (!database.migrations?.skip) {
    await migrateDatabase(knex);
  }
  return knex;
}
