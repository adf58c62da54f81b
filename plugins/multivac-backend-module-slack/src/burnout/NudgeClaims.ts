import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

const TABLE = 'multivac_slack_burnout_nudges';

/**
 * Who tells the lead of a person's bad night: the first replica to insert
 * the (person, night) row. A claim not marked done within `staleMs` (its
 * replica died while sending) may be taken over, by one replica.
 */
export class NudgeClaims {
  constructor(
    private readonly db: Knex,
    private readonly staleMs = 10 * 60_000,
  ) {}

  /** The claim's id when this caller is to send; undefined otherwise. */
  async claim(
    nudge: { userRef: string; night: string; leadRef: string },
    now: Date,
  ): Promise<string | undefined> {
    const claim = randomUUID();
    const key = { user_ref: nudge.userRef, night: nudge.night };
    await this.db(TABLE)
      .insert({
        ...key,
        lead_ref: nudge.leadRef,
        claim,
        claimed_at: now.toISOString(),
      })
      .onConflict(['user_ref', 'night'])
      .ignore();
    const row = await this.db(TABLE)
      .where(key)
      .first('claim', 'claimed_at', 'done_at');
    if (row?.claim === claim) {
      return claim;
    }
    if (
      row &&
      row.done_at === null &&
      new Date(row.claimed_at).getTime() < now.getTime() - this.staleMs
    ) {
      const taken = await this.db(TABLE)
        .where({ ...key, claim: row.claim })
        .whereNull('done_at')
        .update({ claim, claimed_at: now.toISOString() });
      return taken === 1 ? claim : undefined;
    }
    return undefined;
  }

  /** Marks the claim done: sent (in `channel` as `ts`), or nobody to send to. */
  async done(
    nudge: { userRef: string; night: string },
    claim: string,
    result:
      | { outcome: 'sent'; channel: string; ts: string }
      | { outcome: 'no_slack_user' },
  ): Promise<void> {
    await this.db(TABLE)
      .where({ user_ref: nudge.userRef, night: nudge.night, claim })
      .update({
        done_at: new Date().toISOString(),
        outcome: result.outcome,
        channel: result.outcome === 'sent' ? result.channel : null,
        message_ts: result.outcome === 'sent' ? result.ts : null,
      });
  }

  /** Gives an unfinished claim up, so that the next tick tries again. */
  async release(
    nudge: { userRef: string; night: string },
    claim: string,
  ): Promise<void> {
    await this.db(TABLE)
      .where({ user_ref: nudge.userRef, night: nudge.night, claim })
      .whereNull('done_at')
      .delete();
  }
}
