import { ConflictError } from '@backstage/errors';
import { AlertUrgency, AlertVendor } from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { knexOf, Transaction } from '../database/Transaction';
import { nowIso, optionalIsoString, toIsoString } from '../database/util';
import { IntegrationStore, StoredIntegration } from './IntegrationStore';

type Timestamp = Date | string;

type IntegrationRow = {
  id: string;
  name: string;
  vendor: AlertVendor;
  default_entity_ref: string | null;
  urgency: string;
  group_window_minutes: number;
  zendesk_url: string | null;
  secret_hash: string;
  previous_secret_hash: string | null;
  previous_secret_valid_until: Timestamp | null;
  secret_rotated_at: Timestamp | null;
  created_by: string;
  created_at: Timestamp;
};

const INTEGRATIONS = 'multivac_alert_integrations';
const TICKETS = 'multivac_alert_tickets';

/** See migrations/20261204010000_alert_integrations.js. */
export class DatabaseIntegrationStore implements IntegrationStore {
  constructor(private readonly db: Knex) {}

  async get(id: string): Promise<StoredIntegration | undefined> {
    const row = await this.db<IntegrationRow>(INTEGRATIONS)
      .where({ id })
      .first();
    return row && toIntegration(row);
  }

  async list(): Promise<StoredIntegration[]> {
    const rows = await this.db<IntegrationRow>(INTEGRATIONS).orderBy('id');
    return rows.map(toIntegration);
  }

  async insert(integration: StoredIntegration): Promise<void> {
    const inserted = await this.db(INTEGRATIONS)
      .insert({
        id: integration.id,
        name: integration.name,
        vendor: integration.vendor,
        default_entity_ref: integration.defaultEntityRef ?? null,
        urgency: JSON.stringify(integration.urgency),
        group_window_minutes: integration.groupWindowMinutes,
        zendesk_url: integration.zendeskUrl ?? null,
        secret_hash: integration.secretHash,
        previous_secret_hash: null,
        previous_secret_valid_until: null,
        secret_rotated_at: null,
        created_by: integration.createdBy,
        created_at: integration.createdAt,
      })
      .onConflict('id')
      .ignore()
      .returning('id');
    if (inserted.length === 0) {
      throw new ConflictError(
        `An alert integration with the id ${integration.id} exists`,
      );
    }
  }

  async rotate(
    id: string,
    secretHash: string,
    previousValidUntil: Date,
  ): Promise<StoredIntegration | undefined> {
    return this.db.transaction(async tx => {
      const row = await tx<IntegrationRow>(INTEGRATIONS)
        .where({ id })
        .forUpdate()
        .first();
      if (!row) {
        return undefined;
      }
      await tx(INTEGRATIONS).where({ id }).update({
        secret_hash: secretHash,
        previous_secret_hash: row.secret_hash,
        previous_secret_valid_until: previousValidUntil.toISOString(),
        secret_rotated_at: nowIso(),
      });
      const updated = await tx<IntegrationRow>(INTEGRATIONS)
        .where({ id })
        .first();
      return toIntegration(updated!);
    });
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db(INTEGRATIONS).where({ id }).delete()) > 0;
  }

  async ticketReport(
    integrationId: string,
    ticketId: string,
  ): Promise<string | undefined> {
    const row = await this.db(TICKETS)
      .where({ integration_id: integrationId, ticket_id: ticketId })
      .first('report_id');
    return row?.report_id;
  }

  async recordTicket(
    tx: Transaction,
    ticket: { integrationId: string; ticketId: string; reportId: string },
  ): Promise<void> {
    await knexOf(tx)(TICKETS).insert({
      integration_id: ticket.integrationId,
      ticket_id: ticket.ticketId,
      report_id: ticket.reportId,
      created_at: nowIso(),
    });
  }
}

function toIntegration(row: IntegrationRow): StoredIntegration {
  return {
    id: row.id,
    name: row.name,
    vendor: row.vendor,
    defaultEntityRef: row.default_entity_ref ?? undefined,
    urgency: JSON.parse(row.urgency) as Record<string, AlertUrgency>,
    groupWindowMinutes: Number(row.group_window_minutes),
    zendeskUrl: row.zendesk_url ?? undefined,
    secretHash: row.secret_hash,
    previousSecretHash: row.previous_secret_hash ?? undefined,
    previousSecretValidUntil: optionalIsoString(
      row.previous_secret_valid_until,
    ),
    secretRotatedAt: optionalIsoString(row.secret_rotated_at),
    createdBy: row.created_by,
    createdAt: toIsoString(row.created_at),
  };
}
