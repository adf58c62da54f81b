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

/** An entity's latest group, with whether its page was requested. */
export type LatestGroup = AlertGroup & { pageRequested: boolean };

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
   * (a row lock on PostgreSQL, so two replicas group one after the other),
   * with the entity's latest group (and whether its page was requested)
   * as read under that lock.
   */
  withEntityLock<T>(
    entityRef: string | undefined,
    fn: (tx: Transaction, latest: LatestGroup | undefined) => Promise<T>,
  ): Promise<T>;
  findAlert(
    tx: Transaction,
    integrationId: string,
    dedupKey: string,
  ): Promise<Alert | undefined>;
  /** Fails on a second alert with the same identity (unique index). */
  insertAlert(tx: Transaction, alert: NewAlert): Promise<Alert>;
  /**
   * Counts the delivery; `resolvedAt` follows the status. `current` is the
   * alert as read in this transaction.
   */
  updateAlert(
    tx: Transaction,
    current: Alert,
    changes: AlertChanges,
  ): Promise<Alert>;
  createGroup(
    tx: Transaction,
    group: { entityRef: string; urgency: AlertUrgency; incidentId?: string },
  ): Promise<LatestGroup>;
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
