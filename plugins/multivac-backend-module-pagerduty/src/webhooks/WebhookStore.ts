import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const migrationsDir = resolvePackagePath(
  '@multivac/plugin-multivac-backend-module-pagerduty',
  'migrations',
);

const EVENTS = 'multivac_pagerduty_webhook_events';
const PAGE_ACCOUNTS = 'multivac_pagerduty_page_accounts';

/**
 * What the webhooks remember in the plugin's database, shared by every
 * replica, with its own migrations table (like the Slack module's).
 */
export class WebhookStore {
  static async create(database: DatabaseService): Promise<WebhookStore> {
    const db = await database.getClient();
    if (!database.migrations?.skip) {
      await db.migrate.latest({
        directory: migrationsDir,
        tableName: 'multivac_pagerduty_knex_migrations',
      });
    }
    return new WebhookStore(db);
  }

  constructor(private readonly db: Knex) {}

  /**
   * Claims a webhook event id: true for the one delivery, on whichever
   * replica, that got it first; false for every replay or redelivery.
   */
  async claimEvent(eventId: string, account: string): Promise<boolean> {
    const claim = `${account}:${randomUUID()}`;
    await this.db(EVENTS)
      .insert({
        event_id: eventId,
        claim,
        received_at: new Date().toISOString(),
      })
      .onConflict('event_id')
      .ignore();
    const row = await this.db(EVENTS)
      .where({ event_id: eventId })
      .first('claim');
    return row?.claim === claim;
  }

  /** Gives a claimed event back when it could not be handled: PagerDuty retries. */
  async releaseEvent(eventId: string): Promise<void> {
    await this.db(EVENTS).where({ event_id: eventId }).delete();
  }

  /** Records which account a page was sent to; the first answer stays. */
  async recordPageAccount(dedupKey: string, account: string): Promise<void> {
    await this.db(PAGE_ACCOUNTS)
      .insert({
        dedup_key: dedupKey,
        account,
        created_at: new Date().toISOString(),
      })
      .onConflict('dedup_key')
      .ignore();
  }

  /** The account the page with `dedupKey` was sent to, if it was recorded. */
  async pageAccount(dedupKey: string): Promise<string | undefined> {
    const row = await this.db(PAGE_ACCOUNTS)
      .where({ dedup_key: dedupKey })
      .first('account');
    return row?.account;
  }

  /** Deletes event ids received before `eventsBefore`, and page accounts recorded before `pagesBefore`. */
  async prune(options: { eventsBefore: Date; pagesBefore: Date }): Promise<{
    events: number;
    pages: number;
  }> {
    const events = await this.db(EVENTS)
      .where('received_at', '<', options.eventsBefore.toISOString())
      .delete();
    const pages = await this.db(PAGE_ACCOUNTS)
      .where('created_at', '<', options.pagesBefore.toISOString())
      .delete();
    return { events, pages };
  }
}
