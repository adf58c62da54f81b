import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { DatabaseFeedTokenStore } from './DatabaseFeedTokenStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const hashA = 'a'.repeat(64);
const hashB = 'b'.repeat(64);

describe.each(databases.eachSupportedId())(
  'DatabaseFeedTokenStore on %s',
  id => {
    let knex: Knex;
    let tokens: DatabaseFeedTokenStore;

    beforeEach(async () => {
      knex = await databases.init(id);
      await migrateDatabase(knex);
      tokens = new DatabaseFeedTokenStore(knex);
    });

    it('keeps one token per user: a new one replaces the old', async () => {
      await tokens.replace(ada, hashA);
      expect(await tokens.userOf(hashA)).toBe(ada);

      await tokens.replace(ada, hashB);

      expect(await tokens.userOf(hashA)).toBeUndefined();
      expect(await tokens.userOf(hashB)).toBe(ada);
    });

    it('stops opening the feed once the token expired, and says when', async () => {
      const inAnHour = new Date(Date.now() + 3_600_000);
      const created = await tokens.replace(ada, hashA, inAnHour);
      await tokens.replace(grace, hashB, new Date(Date.now() - 1000));

      expect(created.expiresAt).toBe(inAnHour.toISOString());
      expect(await tokens.infoOf(ada)).toEqual({
        createdAt: created.createdAt,
        expiresAt: inAnHour.toISOString(),
      });
      expect(await tokens.userOf(hashA)).toBe(ada);
      expect(await tokens.userOf(hashB)).toBeUndefined();
      expect((await tokens.infoOf(grace))?.expiresAt).toBeDefined();
    });

    it('replaces an expiring token with one that does not expire', async () => {
      await tokens.replace(ada, hashA, new Date(Date.now() - 1000));

      await tokens.replace(ada, hashA);

      expect(await tokens.userOf(hashA)).toBe(ada);
      expect((await tokens.infoOf(ada))?.expiresAt).toBeUndefined();
    });

    it("revokes only the user's own token", async () => {
      await tokens.replace(ada, hashA);
      await tokens.replace(grace, hashB);

      expect(await tokens.revoke(ada)).toBe(true);
      expect(await tokens.revoke(ada)).toBe(false);

      expect(await tokens.userOf(hashA)).toBeUndefined();
      expect(await tokens.infoOf(ada)).toBeUndefined();
      expect(await tokens.userOf(hashB)).toBe(grace);
    });
  },
);
