import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { MultivacContribution } from './contribution';

/**
 * Notifications that reached people through a provider rather than through
 * Multivac's own paging, as the provider reports them: e.g. a PagerDuty
 * incident that a monitoring integration triggered straight into PagerDuty,
 * or one PagerDuty escalated or reassigned.
 *
 * @public
 */
export interface ReportedNotification {
  /** Who reports it, e.g. `pagerduty` (at most 32 characters). */
  source: string;
  /**
   * The provider's page, e.g. `pagerduty:PINC1`: every notification of one
   * provider page belongs to the same incident in the on-call load.
   */
  externalId: string;
  /**
   * The dedup key Multivac paged with, when the provider's page is one of
   * Multivac's (PagerDuty's `incident_key`): the notification is then
   * recorded on that page, with its entity and incident.
   */
  dedupKey?: string;
  /**
   * The page's first notification (PagerDuty's `incident.triggered`): at
   * most one per page and person, so the people Multivac recorded when it
   * paged them itself are not counted again.
   */
  first: boolean;
  /** When the people were notified (ISO 8601). */
  at: string;
  /**
   * The catalog entity the page is about, when the provider knows it; else
   * the Multivac page's entity, else the person.
   */
  entityRef?: string;
  /** The catalog users notified. */
  people: Array<{
    userRef: string;
    /**
     * The zone the provider knows for the person (an IANA name), used when
     * their User has no `multivac.io/timezone`.
     */
    timeZone?: string;
  }>;
}

/**
 * The interruptions ledger of the insights, as modules may add to it.
 *
 * @public
 */
export interface InterruptionLedger {
  /**
   * Records the notification of each person, banded in their own zone. A
   * repeat (the same page, person and time, or a first notification of a
   * page the person already has) is ignored, so a retried delivery may
   * record again. Resolves to how many were recorded.
   */
  record(notification: ReportedNotification): Promise<number>;
}

/**
 * A module that learns of notifications Multivac did not send, e.g. from a
 * paging provider's webhooks.
 *
 * @public
 */
export interface InterruptionSource extends MultivacContribution {
  /**
   * Called once, during the multivac plugin's start-up, with the ledger to
   * record into from then on (as the catalog hands an `EntityProvider` its
   * connection).
   */
  connectLedger(ledger: InterruptionLedger): void | Promise<void>;
}

/** @public */
export interface MultivacInterruptionsExtensionPoint {
  addSource(source: InterruptionSource): void;
}

/**
 * Lets modules (PagerDuty) add the notifications they report to the
 * interruptions ledger without writing the plugin's tables.
 *
 * @public
 */
export const multivacInterruptionsExtensionPoint =
  createExtensionPoint<MultivacInterruptionsExtensionPoint>({
    id: 'multivac.interruptions',
  });
