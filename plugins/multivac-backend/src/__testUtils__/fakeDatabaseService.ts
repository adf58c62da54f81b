import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** A DatabaseService over an existing connection, as the plugin sees it. */
export function databaseServiceFor(knex: Knex): DatabaseService {
  return { getClient: async () => knex };
}
