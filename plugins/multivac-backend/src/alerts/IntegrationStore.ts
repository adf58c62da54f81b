import { AlertUrgency, AlertVendor } from '@multivac/plugin-multivac-common';
import { Transaction } from '../database/Transaction';

/** An integration created in the portal, as stored (secrets hashed). */
export interface StoredIntegration {
  id: string;
  name: string;
  vendor: AlertVendor;
  defaultEntityRef?: string;
  /** Vendor severity (lower case) to urgency, defaults included. */
  urgency: Record<string, AlertUrgency>;
  groupWindowMinutes: number;
  zendeskUrl?: string;
  secretHash: string;
  previousSecretHash?: string;
  previousSecretValidUntil?: string;
  secretRotatedAt?: string;
  createdBy: string;
  createdAt: string;
}

/**
 * Integrations created in the portal, and the support tickets that became
 * triage reports.
 */
export interface IntegrationStore {
  get(id: string): Promise<StoredIntegration | undefined>;
  list(): Promise<StoredIntegration[]>;
  /** 409 when the id is taken. */
  insert(integration: StoredIntegration): Promise<void>;
  /**
   * Makes `secretHash` current and keeps the current one valid until
   * `previousValidUntil`; undefined when there is no such integration.
   */
  rotate(
    id: string,
    secretHash: string,
    previousValidUntil: Date,
  ): Promise<StoredIntegration | undefined>;
  /** False when there was none. */
  delete(id: string): Promise<boolean>;

  /** The report a ticket of the integration became, if any. */
  ticketReport(
    integrationId: string,
    ticketId: string,
  ): Promise<string | undefined>;
  /** Fails (unique key) when the ticket already has a report. */
  recordTicket(
    tx: Transaction,
    ticket: { integrationId: string; ticketId: string; reportId: string },
  ): Promise<void>;
}
