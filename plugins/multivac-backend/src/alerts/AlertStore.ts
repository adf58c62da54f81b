import {
  Alert,
  AlertGroup,
  AlertGroupDetails,
  AlertStatus,
  AlertUrgency,
} from '@multivac/plugin-multivac-common';
import { randomUUID } from 'node:crypto';
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

/** The alert `insertAlerts` stores for `alert`, first delivered at `now`. */
export function newAlert(alert: NewAlert, now: string): Alert {
  return {
    ...alert,
    id: randomUUID(),
    resolvedAt: alert.status === 'resolved' ? now : undefined,
    deliveries: 1,
    createdAt: now,
    updatedAt: now,
  };
}

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
   * Runs `fn` in one transaction that holds the grouping locks of the
   * entities (row locks on PostgreSQL, taken in one statement in the order
   * of their refs, so two replicas group one after the other without
   * deadlocks), with each entity's latest group (and whether its page was
   * requested) as read under those locks; an entity without a group is
   * not in the map.
   */
  withEntityLocks<T>(
    entityRefs: string[],
    fn: (tx: Transaction, latest: Map<string, LatestGroup>) => Promise<T>,
  ): Promise<T>;
  /** The integration's alerts with these dedup keys, by dedup key. */
  findAlerts(
    tx: Transaction,
    integrationId: string,
    dedupKeys: string[],
  ): Promise<Map<string, Alert>>;
  /**
   * Stores new alerts (made by `newAlert`) in as few statements as it can;
   * fails on a second alert with the same identity (unique index).
   */
  insertAlerts(tx: Transaction, alerts: Alert[]): Promise<void>;
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
  /** The same changes to several groups, in one statement. */
  updateGroups(
    tx: Transaction,
    ids: string[],
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
