import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { WebhookStore } from './WebhookStore';

jest.setTimeout(60_000);

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
if (process.env.CI && !process.env[POSTGRES_ENV]) {
  throw new Error(
    `${POSTGRES_ENV} is not set: CI must run the store tests on PostgreSQL too`,
  );
}

describe('WebhookStore', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });

  async function createStores(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const database = { getClient: async () => knex };
    // Two replicas sharing the database.
    const stores = [
      await WebhookStore.create(database),
      await WebhookStore.create(database),
    ];
    return { knex, stores };
  }

  it.each(databases.eachSupportedId())(
    'lets one of two replicas receiving an event at once handle it, on %p',
    async databaseId => {
      const {
        stores: [a, b],
      } = await createStores(databaseId);

      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? a : b).claimEvent('EVT-1', 'default'),
        ),
      );

      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await a.claimEvent('EVT-1', 'default')).toBe(false);
      expect(await b.claimEvent('EVT-2', 'default')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives a released event back for the retry, on %p',
    async databaseId => {
      const {
        stores: [a, b],
      } = await createStores(databaseId);
      expect(await a.claimEvent('EVT-1', 'eu')).toBe(true);

      await a.releaseEvent('EVT-1');

      expect(await b.claimEvent('EVT-1', 'eu')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the first account a page was sent to, on %p',
    async databaseId => {
      const {
        stores: [a, b],
      } = await createStores(databaseId);
      await a.recordPageAccount('page-1', 'eu');
      await b.recordPageAccount('page-1', 'default');

      expect(await b.pageAccount('page-1')).toBe('eu');
      expect(await b.pageAccount('page-2')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'prunes old event ids and page accounts only, on %p',
    async databaseId => {
      const {
        knex,
        stores: [store],
      } = await createStores(databaseId);
      await store.claimEvent('EVT-OLD', 'default');
      await store.claimEvent('EVT-NEW', 'default');
      await store.recordPageAccount('page-old', 'default');
      await store.recordPageAccount('page-new', 'default');
      const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
      await knex('multivac_pagerduty_webhook_events')
        .where({ event_id: 'EVT-OLD' })
        .update({ received_at: hourAgo });
      await knex('multivac_pagerduty_page_accounts')
        .where({ dedup_key: 'page-old' })
        .update({ created_at: hourAgo });

      const pruned = await store.prune({
        eventsBefore: new Date(Date.now() - 600_000),
        pagesBefore: new Date(Date.now() - 600_000),
      });

      expect(pruned).toEqual({ events: 1, pages: 1 });
      expect(await store.claimEvent('EVT-OLD', 'default')).toBe(true);
      expect(await store.claimEvent('EVT-NEW', 'default')).toBe(false);
      expect(await store.pageAccount('page-old')).toBeUndefined();
      expect(await store.pageAccount('page-new')).toBe('default');
    },
  );
});
