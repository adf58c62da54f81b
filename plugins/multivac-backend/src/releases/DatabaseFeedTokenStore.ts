import { Knex } from 'knex';
import { nowIso, optionalIsoString, toIsoString } from '../database/util';
import { FeedTokenInfo, FeedTokenStore } from './ReleaseStore';

const TOKENS = 'multivac_release_feed_tokens';

type TokenRow = {
  created_at: string | Date;
  expires_at: string | Date | null;
};

const toInfo = (row: TokenRow): FeedTokenInfo => ({
  createdAt: toIsoString(row.created_at),
  expiresAt: optionalIsoString(row.expires_at),
});

/** Feed token hashes on the plugin's database. */
export class DatabaseFeedTokenStore implements FeedTokenStore {
  constructor(private readonly db: Knex) {}

  async replace(
    userRef: string,
    tokenSha256: string,
    expiresAt?: Date,
  ): Promise<FeedTokenInfo> {
    const row = {
      created_at: nowIso(),
      expires_at: expiresAt?.toISOString() ?? null,
    };
    await this.db(TOKENS)
      .insert({ user_ref: userRef, token_sha256: tokenSha256, ...row })
      .onConflict('user_ref')
      .merge(['token_sha256', 'created_at', 'expires_at']);
    return toInfo(row);
  }

  async userOf(tokenSha256: string): Promise<string | undefined> {
    const row = await this.db(TOKENS)
      .where({ token_sha256: tokenSha256 })
      .where(q =>
        q.whereNull('expires_at').orWhere('expires_at', '>', nowIso()),
      )
      .first('user_ref');
    return row?.user_ref;
  }

  async infoOf(userRef: string): Promise<FeedTokenInfo | undefined> {
    const row: TokenRow | undefined = await this.db(TOKENS)
      .where({ user_ref: userRef })
      .first('created_at', 'expires_at');
    return row && toInfo(row);
  }

  async revoke(userRef: string): Promise<boolean> {
    return (await this.db(TOKENS).where({ user_ref: userRef }).delete()) > 0;
  }
}
