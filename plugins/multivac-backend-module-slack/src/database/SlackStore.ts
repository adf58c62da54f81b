import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

const migrationsDir = resolvePackagePath(
  '@multivac/plugin-multivac-backend-module-slack',
  'migrations',
);

export interface IncidentChannel {
  incidentId: string;
  channelId: string;
  channelName: string;
  /** `ts` of the pinned summary message, once posted. */
  summaryTs?: string;
  archived: boolean;
}

/** Key of the triage channel's message about a report. */
export const reportMessageKey = (reportId: string) => `report:${reportId}`;

/** Key of the triage channel's announcement of an incident. */
export const triageAnnouncementKey = (incidentId: string) =>
  `triage:${incidentId}`;

export interface StoredMessage {
  channelId: string;
  ts: string;
}

type ChannelRow = {
  incident_id: string;
  channel_id: string;
  channel_name: string;
  summary_ts: string | null;
  archived_at: string | Date | null;
};

const toChannel = (row: ChannelRow): IncidentChannel => ({
  incidentId: row.incident_id,
  channelId: row.channel_id,
  channelName: row.channel_name,
  summaryTs: row.summary_ts ?? undefined,
  archived: row.archived_at !== null,
});

/**
 * The bot's memory in the plugin's database, with its own migrations table
 * so that it never mixes with the core plugin's migrations.
 */
export class SlackStore {
  static async create(database: DatabaseService): Promise<SlackStore> {
    const db = await database.getClient();
    if (!database.migrations?.skip) {
      await db.migrate.latest({
        directory: migrationsDir,
        tableName: 'multivac_slack_knex_migrations',
      });
    }
    return new SlackStore(db);
  }

  constructor(private readonly db: Knex) {}

  async saveChannel(
    channel: Omit<IncidentChannel, 'summaryTs' | 'archived'>,
  ): Promise<void> {
    await this.db('multivac_slack_incident_channels').insert({
      incident_id: channel.incidentId,
      channel_id: channel.channelId,
      channel_name: channel.channelName,
      created_at: new Date().toISOString(),
    });
  }

  async channelForIncident(
    incidentId: string,
  ): Promise<IncidentChannel | undefined> {
    const row = await this.db<ChannelRow>('multivac_slack_incident_channels')
      .where({ incident_id: incidentId })
      .first();
    return row && toChannel(row);
  }

  async incidentForChannel(
    channelId: string,
  ): Promise<IncidentChannel | undefined> {
    const row = await this.db<ChannelRow>('multivac_slack_incident_channels')
      .where({ channel_id: channelId })
      .first();
    return row && toChannel(row);
  }

  async setSummary(incidentId: string, ts: string): Promise<void> {
    await this.db('multivac_slack_incident_channels')
      .where({ incident_id: incidentId })
      .update({ summary_ts: ts });
  }

  async markArchived(incidentId: string): Promise<void> {
    await this.db('multivac_slack_incident_channels')
      .where({ incident_id: incidentId })
      .update({ archived_at: new Date().toISOString() });
  }

  async getMessage(key: string): Promise<StoredMessage | undefined> {
    const row = await this.db('multivac_slack_messages').where({ key }).first();
    return row && { channelId: row.channel_id, ts: row.ts };
  }

  /**
   * Claims `key` for something to be said once (whichever job or replica
   * asks first): true for the one caller that got it.
   */
  async claimNotice(key: string): Promise<boolean> {
    const claim = randomUUID();
    await this.db('multivac_slack_notices')
      .insert({ key, claim, created_at: new Date().toISOString() })
      .onConflict('key')
      .ignore();
    // Portable across SQLite and PostgreSQL, unlike reading what the insert returned.
    const row = await this.db('multivac_slack_notices')
      .where({ key })
      .first('claim');
    return row?.claim === claim;
  }

  /** Gives a claimed key back, when what was to be said could not be. */
  async releaseNotice(key: string): Promise<void> {
    await this.db('multivac_slack_notices').where({ key }).delete();
  }

  async saveMessage(key: string, message: StoredMessage): Promise<void> {
    await this.db('multivac_slack_messages')
      .insert({
        key,
        channel_id: message.channelId,
        ts: message.ts,
        created_at: new Date().toISOString(),
      })
      .onConflict('key')
      .merge(['channel_id', 'ts']);
  }
}
