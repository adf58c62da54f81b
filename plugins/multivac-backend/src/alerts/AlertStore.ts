import {
  Alert,
  AlertGroup,
  AlertGroupDetails,
  AlertStatus,
  AlertUrgency,
} from '@multivac/plugin-multivac-common';
import { Transaction } from '../database/Transaction';
import { NormalizedAlert } from './types';

export interface StoredDelivery {
  id: string;
  integrationId: string;
  alerts: NormalizedAlert[];
  receivedAt: string;
}

export interface DeadLetter {
  id: string;
  integrationId: string;
  error: string;
  contentType?: string;
  body: string;
  receivedAt: string;
}

/** What every delivery of an alert may change. */
type AlertFields =
  | 'status'
  | 'summary'
  | 'severity'
  | 'urgency'
  | 'labels'
  | 'links'
  | 'groupId'
  | 'incidentId';

export type NewAlert = Pick<
  Alert,
  | AlertFields
  | 'integrationId'
  | 'dedupKey'
  | 'entityRef'
  | 'routedBy'
  | 'startsAt'
>;

export type AlertChanges = Partial<Pick<Alert, AlertFields>>;

export interface GroupChanges {
  status?: AlertStatus;
  urgency?: AlertUrgency;
  lastAlertAt?: string;
  incidentId?: string;
  pageId?: string;
  /** Set once: the group's page job was recorded. */
  pageRequested?: boolean;
}

export interface AlertFilter {
  status?: AlertStatus;
  urgency?: AlertUrgency;
  entityRefs?: string[];
  integrationId?: string;
  limit: number;
  offset: number;
}

/** Persistence of alert deliveries, alerts, their groups and dead letters. */
export interface AlertStore {
  /**
   * Stores deliveries (one statement) and runs `andThen` with their ids, in
   * one transaction; resolves with the ids (in order) once it committed.
   */
  recordDeliveries(
    deliveries: Array<{ integrationId: string; alerts: NormalizedAlert[] }>,
    andThen: (tx: Transaction, deliveryIds: string[]) => Promise<void>,
  ): Promise<string[]>;
  getDelivery(id: string): Promise<StoredDelivery | undefined>;
  /** The deliveries that still exist, in the order of `ids`. */
  getDeliveries(ids: string[]): Promise<StoredDelivery[]>;
  /** The integration's latest deliveries, newest first. */
  listDeliveries(
    integrationId: string,
    limit: number,
  ): Promise<StoredDelivery[]>;
  addDeadLetter(letter: Omit<DeadLetter, 'id' | 'receivedAt'>): Promise<string>;
  listDeadLetters(limit: number): Promise<DeadLetter[]>;
  /** Removes dead letters and deliveries received before `time`. */
  pruneBefore(time: Date): Promise<number>;

  /**
   * Runs `fn` in one transaction that holds the grouping lock of the entity
   * (a row lock on PostgreSQL, so two replicas group one after the other).
   */
  withEntityLock<T>(
    entityRef: string | undefined,
    fn: (tx: Transaction) => Promise<T>,
  ): Promise<T>;
  findAlert(
    tx: Transaction,
    integrationId: string,
    dedupKey: string,
  ): Promise<Alert | undefined>;
  /** Fails on a second alert with the same identity (unique index). */
  insertAlert(tx: Transaction, alert: NewAlert): Promise<Alert>;
  /** Counts the delivery; `resolvedAt` follows the status. */
  updateAlert(
    tx: Transaction,
    id: string,
    changes: AlertChanges,
  ): Promise<Alert>;
  /** The entity's latest group, with whether its page was requested. */
  latestGroup(
    tx: Transaction,
    entityRef: string,
  ): Promise<(AlertGroup & { pageRequested: boolean }) | undefined>;
  createGroup(
    tx: Transaction,
    group: { entityRef: string; urgency: AlertUrgency; incidentId?: string },
  ): Promise<AlertGroup & { pageRequested: boolean }>;
  /** Outside a transaction when `tx` is undefined. */
  updateGroup(
    tx: Transaction | undefined,
    id: string,
    changes: GroupChanges,
  ): Promise<void>;
  countFiring(tx: Transaction, groupId: string): Promise<number>;
  /**
   * Links the group, its alerts and its page to the incident; false when
   * the group already has an incident.
   */
  attachIncident(
    tx: Transaction,
    groupId: string,
    incidentId: string,
  ): Promise<boolean>;

  getGroup(id: string): Promise<AlertGroupDetails | undefined>;
  listAlerts(
    filter: AlertFilter,
  ): Promise<{ items: Alert[]; totalCount: number }>;
}
