import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

const TABLE = 'multivac_slack_digest_posts';

/**
 * Who posts a channel's digest on a local day: the first replica to insert
 * the (channel, day) row. A claim not marked posted within `staleMs` (its
 * replica died while posting) may be taken over, by one replica.
 */
export class DigestClaims {
  constructor(
    private readonly db: Knex,
    private readonly staleMs = 10 * 60_000,
  ) {}

  /** The claim's id when this caller is to post; undefined otherwise. */
  async claim(
    channel: string,
    localDate: string,
    now: Date,
  ): Promise<string | undefined> {
    const claim = randomUUID();
    await this.db(TABLE)
      .insert({
        channel,
        local_date: localDate,
        claim,
        claimed_at: now.toISOString(),
      })
      .onConflict(['channel', 'local_date'])
      .ignore();
    const row = await this.db(TABLE)
      .where({ channel, local_date: localDate })
      .first('claim', 'claimed_at', 'posted_at');
    if (row?.claim === claim) {
      return claim;
    }
    if (
      row &&
      row.posted_at === null &&
      Date.parse(new Date(row.claimed_at).toISOString()) <
        now.getTime() - this.staleMs
    ) {
      const taken = await this.db(TABLE)
        .where({ channel, local_date: localDate, claim: row.claim })
        .whereNull('posted_at')
        .update({ claim, claimed_at: now.toISOString() });
      return taken === 1 ? claim : undefined;
    }
    return undefined;
  }

  /** Marks the claim's digest as posted (as message `ts`). */
  async posted(
    channel: string,
    localDate: string,
    claim: string,
    ts: string | undefined,
  ): Promise<void> {
    await this.db(TABLE)
      .where({ channel, local_date: localDate, claim })
      .update({ posted_at: new Date().toISOString(), message_ts: ts ?? null });
  }

  /** Gives an unposted claim up, so that the next tick tries again. */
  async release(
    channel: string,
    localDate: string,
    claim: string,
  ): Promise<void> {
    await this.db(TABLE)
      .where({ channel, local_date: localDate, claim })
      .whereNull('posted_at')
      .delete();
  }
}
