import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Incident, TimelineEvent } from '@multivac/plugin-multivac-common';
import { MultivacContribution } from './contribution';

/**
 * What a subscriber receives for each change to an incident.
 *
 * @public
 */
export interface IncidentChange {
  /** The timeline event that records the change. */
  event: TimelineEvent;
  /** The incident as it is when the subscriber runs (not when it changed). */
  incident: Incident;
  /**
   * Stable across retries of this delivery: use it as the idempotency key for
   * calls to other systems (dedup keys, client message ids).
   */
  deliveryId: string;
  /** 1 on the first try, 2 on the first retry, ... */
  attempt: number;
}

/**
 * A module that reacts to incident changes (post to chat, page, open an issue).
 *
 * Each change is delivered to each subscriber as a durable job that is
 * recorded in the same transaction as the change: it survives restarts, is
 * retried with back-off when `onIncidentChange` throws, and its state is shown
 * on the incident. Deliveries are at least once, so handlers must be
 * idempotent (use `deliveryId`).
 *
 * @public
 */
export interface IncidentSubscriber extends MultivacContribution {
  onIncidentChange(change: IncidentChange): Promise<void>;
}

/** @public */
export interface MultivacIncidentsExtensionPoint {
  addSubscriber(subscriber: IncidentSubscriber): void;
}

/**
 * Lets backend modules subscribe to incident changes without the core
 * importing them.
 *
 * @public
 */
export const multivacIncidentsExtensionPoint =
  createExtensionPoint<MultivacIncidentsExtensionPoint>({
    id: 'multivac.incidents',
  });
