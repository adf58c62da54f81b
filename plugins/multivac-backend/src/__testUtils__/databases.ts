import { TestDatabases } from '@backstage/backend-test-utils';

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/**
 * SQLite always; PostgreSQL 15 when a server is configured (the root test
 * command sets it up when one is reachable). On CI a missing PostgreSQL is an
 * error, not a silent skip.
 */
export function createTestDatabases(): TestDatabases {
  if (!process.env[POSTGRES_ENV]) {
    if (process.env.CI) {
      throw new Error(
        `${POSTGRES_ENV} is not set: CI must run the store tests on PostgreSQL too`,
      );
    }
    // eslint-disable-next-line no-console
    console.warn(
      `PostgreSQL store tests SKIPPED: set ${POSTGRES_ENV} (e.g. postgresql://postgres@127.0.0.1:5432) to run them`,
    );
  }
  return TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
}
