import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { GroupCommit } from './GroupCommit';

jest.setTimeout(60_000);

const databases = createTestDatabases();

interface Item {
  key: string | null;
}

describe.each(databases.eachSupportedId())('GroupCommit on %s', id => {
  let knex: Knex;
  let transactions: number;

  beforeEach(async () => {
    knex = await databases.init(id);
    await knex.schema.dropTableIfExists('group_commit_items');
    await knex.schema.createTable('group_commit_items', table => {
      table.string('key').notNullable();
    });
    transactions = 0;
  });

  /** Stores the items in one transaction, as the alert store does. */
  const commit = (items: Item[]) => {
    transactions += 1;
    return knex.transaction(async tx => {
      await tx('group_commit_items').insert(items.map(i => ({ key: i.key })));
      return items.map(i => `stored ${i.key}`);
    });
  };

  const stored = async () =>
    (await knex('group_commit_items').orderBy('key')).map(r => r.key);

  const keys = (n: number, prefix = 'k') =>
    Array.from(
      { length: n },
      (_, i) => `${prefix}${String(i).padStart(2, '0')}`,
    );

  it('stores concurrent items in shared transactions, each answered with its own result after the commit', async () => {
    const batcher = new GroupCommit<Item, string>({
      commit,
      maxBatch: 10,
      maxWaitMs: 5,
      maxInFlight: 1,
    });
    const results = await Promise.all(
      keys(50).map(key => batcher.submit({ key })),
    );
    expect(results).toEqual(keys(50).map(k => `stored ${k}`));
    expect(await stored()).toEqual(keys(50));
    expect(transactions).toBe(5);
    expect(batcher.stats).toEqual({ batches: 5, items: 50, largestBatch: 10 });
  });

  it('items that arrive while a commit is under way share the next one', async () => {
    const batcher = new GroupCommit<Item, string>({
      commit,
      maxBatch: 100,
      maxWaitMs: 1,
      maxInFlight: 1,
    });
    const first = batcher.submit({ key: 'a' });
    await new Promise(resolve => setTimeout(resolve, 3)); // its commit started
    const later = keys(30).map(key => batcher.submit({ key }));
    await Promise.all([first, ...later]);
    expect(transactions).toBe(2);
    expect(batcher.stats.largestBatch).toBe(30);
  });

  it('a failing item fails alone: its batch-mates are stored and answered', async () => {
    const batcher = new GroupCommit<Item, string>({
      commit,
      maxBatch: 100,
      maxWaitMs: 5,
      maxInFlight: 1,
    });
    const items: Item[] = keys(20).map(key => ({ key }));
    items[7] = { key: null }; // NOT NULL: the batch's insert fails
    const outcomes = await Promise.allSettled(
      items.map(item => batcher.submit(item)),
    );
    expect(outcomes.filter(o => o.status === 'rejected')).toHaveLength(1);
    expect(outcomes[7].status).toBe('rejected');
    expect(outcomes.filter((_, i) => i !== 7)).toEqual(
      items
        .filter((_, i) => i !== 7)
        .map(item => ({ status: 'fulfilled', value: `stored ${item.key}` })),
    );
    expect(await stored()).toEqual(keys(20).filter((_, i) => i !== 7));
    // One failed transaction of 20, then 20 of one.
    expect(transactions).toBe(21);
  });

  it('a transaction rolled back answers every waiting item with an error, and stores nothing', async () => {
    const batcher = new GroupCommit<Item, string>({
      // The rows are written, then the transaction dies before its commit.
      commit: items => {
        transactions += 1;
        return knex.transaction(async tx => {
          await tx('group_commit_items').insert(
            items.map(i => ({ key: i.key })),
          );
          throw new Error('connection lost');
        });
      },
      maxBatch: 100,
      maxWaitMs: 5,
      maxInFlight: 2,
    });
    const outcomes = await Promise.allSettled(
      keys(25).map(key => batcher.submit({ key })),
    );
    expect(outcomes.every(o => o.status === 'rejected')).toBe(true);
    expect(
      outcomes.map(o => o.status === 'rejected' && String(o.reason)),
    ).toEqual(Array(25).fill('Error: connection lost'));
    expect(await stored()).toEqual([]);
    expect(batcher.stats.batches).toBe(0);
  });
});

// A constraint checked at commit time (DEFERRABLE): PostgreSQL (skipped,
// as the other PostgreSQL tests, when no server is configured).
const postgresIds = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));
(postgresIds.length > 0
  ? describe.each(postgresIds)
  : describe.skip.each([['POSTGRES_15' as const]]))(
  'GroupCommit at COMMIT on %s',
  id => {
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(id);
      await knex.schema.dropTableIfExists('group_commit_items');
      await knex.schema.createTable('group_commit_items', table => {
        table.string('key').notNullable();
      });
    });

    const commit = (items: Item[]) =>
      knex.transaction(async tx => {
        await tx('group_commit_items').insert(items.map(i => ({ key: i.key })));
        return items.map(i => `stored ${i.key}`);
      });

    const stored = async () =>
      (await knex('group_commit_items').orderBy('key')).map(r => r.key);

    it('a commit that fails at COMMIT answers no item as stored that is not', async () => {
      await knex.raw(
        'ALTER TABLE group_commit_items ADD CONSTRAINT group_commit_items_key UNIQUE (key) DEFERRABLE INITIALLY DEFERRED',
      );
      const batcher = new GroupCommit<Item, string>({
        commit,
        maxBatch: 100,
        maxWaitMs: 5,
        maxInFlight: 1,
      });
      // Every statement succeeds; the COMMIT of the batch fails (duplicate).
      const outcomes = await Promise.allSettled(
        ['a', 'b', 'dup', 'c', 'dup'].map(key => batcher.submit({ key })),
      );
      const status = outcomes.map(o => o.status);
      expect([status[0], status[1], status[3]]).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ]);
      // Retried alone, one of the two duplicates commits and the other fails.
      expect([status[2], status[4]].sort()).toEqual(['fulfilled', 'rejected']);
      expect(await stored()).toEqual(['a', 'b', 'c', 'dup']);
    });
  },
);
