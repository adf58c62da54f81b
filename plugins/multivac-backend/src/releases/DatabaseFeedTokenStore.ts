import { Knex } from 'knex';
import { nowIso } from '../database/util';
import { FeedTokenStore } from './ReleaseStore';

const TOKENS = 'multivac_release_feed_tokens';

/** Feed token hashes on the plugin's database. */
export class DatabaseFeedTokenStore implements FeedTokenStore {
  constructor(private readonly db: Knex) {}

  async replace(userRef: string, tokenSha256: string): Promise<void> {
    await this.db(TOKENS)
      .insert({
        user_ref: userRef,
        token_sha256: tokenSha256,
        created_at: nowIso(),
      })
      .onConflict('user_ref')
      .merge(['token_sha256', 'created_at']);
  }

  async userOf(tokenSha256: string): Promise<string | undefined> {
    const row = await this.db(TOKENS)
      .where({ token_sha256: tokenSha256 })
      .first('user_ref');
    return row?.user_ref;
  }
}
