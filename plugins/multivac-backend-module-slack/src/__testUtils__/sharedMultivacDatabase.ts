import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';

/**
 * The database service of a test backend: the multivac plugin gets `knex`
 * (one database several replicas share), every other plugin an in-memory
 * SQLite database of its own.
 */
export function sharedMultivacDatabase(knex: Knex) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) =>
      mockServices.database({
        knex:
          plugin.getId() === 'multivac'
            ? knex
            : knexFactory({
                client: 'better-sqlite3',
                connection: ':memory:',
                useNullAsDefault: true,
              }),
      }),
  });
}
