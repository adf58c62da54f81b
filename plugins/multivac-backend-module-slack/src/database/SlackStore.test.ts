import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { SlackStore } from './SlackStore';

jest.setTimeout(60_000);

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
if (process.env.CI && !process.env[POSTGRES_ENV]) {
  throw new Error(
    `${POSTGRES_ENV} is not set: CI must run the store tests on PostgreSQL too`,
  );
}

describe('SlackStore', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });

  async function createStores(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const database = { getClient: async () => knex };
    // Two replicas sharing the database.
    return [
      await SlackStore.create(database),
      await SlackStore.create(database),
    ];
  }

  it.each(databases.eachSupportedId())(
    'keeps each incident channel with its summary and archive state, on %p',
    async databaseId => {
      const [store] = await createStores(databaseId);
      await store.saveChannel({
        incidentId: 'incident-7',
        channelId: 'C0INC7',
        channelName: 'inc-7-checkout',
      });
      await store.setSummary('incident-7', '1700000000.000100');

      expect(await store.channelForIncident('incident-7')).toEqual({
        incidentId: 'incident-7',
        channelId: 'C0INC7',
        channelName: 'inc-7-checkout',
        summaryTs: '1700000000.000100',
        archived: false,
      });
      await store.markArchived('incident-7');
      expect(await store.incidentForChannel('C0INC7')).toMatchObject({
        incidentId: 'incident-7',
        archived: true,
      });
      expect(await store.incidentForChannel('C0OTHER')).toBeUndefined();
      // One channel per incident. SQLite says "UNIQUE constraint failed",
      // PostgreSQL "violates unique constraint".
      await expect(
        store.saveChannel({
          incidentId: 'incident-8',
          channelId: 'C0INC7',
          channelName: 'inc-8',
        }),
      ).rejects.toHaveProperty('message', expect.stringMatching(/unique/i));
    },
  );

  it.each(databases.eachSupportedId())(
    'remembers the last ts of each message it keeps current, on %p',
    async databaseId => {
      const [store] = await createStores(databaseId);
      await store.saveMessage('report:1', { channelId: 'C1', ts: '1.000001' });
      await store.saveMessage('report:1', { channelId: 'C2', ts: '2.000002' });

      expect(await store.getMessage('report:1')).toEqual({
        channelId: 'C2',
        ts: '2.000002',
      });
      expect(await store.getMessage('report:2')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'gives a notice to one claimant only, until it is released, on %p',
    async databaseId => {
      const [store, other] = await createStores(databaseId);

      const claims = await Promise.all([
        store.claimNotice('problem:incident-7:missing_scope'),
        other.claimNotice('problem:incident-7:missing_scope'),
        store.claimNotice('problem:incident-7:missing_scope'),
      ]);

      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.claimNotice('problem:incident-8:missing_scope')).toBe(
        true,
      );
      await store.releaseNotice('problem:incident-7:missing_scope');
      expect(await other.claimNotice('problem:incident-7:missing_scope')).toBe(
        true,
      );
    },
  );
});
