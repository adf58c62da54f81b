import {
  IncidentMetrics,
  InterruptionCounts,
  Severity,
} from '@multivac/plugin-multivac-common';
import { Transaction } from '../database/Transaction';
import { InterruptionBand } from './bands';

/** A notification that reached a person, banded in their own zone. */
export interface NewNotification {
  userRef: string;
  notifiedAt: string;
  source: 'page';
  pageId?: string;
  level?: number;
  incidentId?: string;
  entityRef: string;
  timeZone: string;
  localWeekday: number;
  localHour: number;
  band: InterruptionBand;
}

/** What the aggregates cover: [from, to) and optional filters. */
export interface InsightsFilter {
  from: Date;
  to: Date;
  /** Owner Group (from `multivac_entity_owners`) of any affected entity. */
  team?: string;
  /** An affected entity. */
  service?: string;
  severity?: Severity;
  /** Interruptions of one person. */
  person?: string;
}

export type IncidentGrouping =
  | { by: 'all' }
  | { by: 'team' }
  | { by: 'service' }
  | { by: 'severity' }
  /** Buckets of `seconds` from `filter.from`; the key is the bucket's index. */
  | { by: 'bucket'; seconds: number };

export type InterruptionGrouping = 'all' | 'person';

/** Incident metrics and interruptions, aggregated in the database. */
export interface InsightsStore {
  /** Records notifications; one per page, level and person (repeats ignored). */
  recordNotifications(
    tx: Transaction,
    notifications: NewNotification[],
  ): Promise<void>;
  /** Links the notifications of a report's pages to the incident it became. */
  linkNotifications(
    tx: Transaction,
    reportId: string,
    incidentId: string,
  ): Promise<void>;
  /** One row per key of the grouping that has incidents in the filter. */
  incidentMetrics(
    filter: InsightsFilter,
    grouping: IncidentGrouping,
  ): Promise<Array<IncidentMetrics & { key: string }>>;
  /**
   * Interruptions: notifications to a person, where one within 60 seconds
   * after that person's previous notification is the same interruption.
   */
  interruptions(
    filter: InsightsFilter,
    grouping: InterruptionGrouping,
  ): Promise<Array<InterruptionCounts & { key: string }>>;
  /** Interruptions by local weekday and hour. */
  interruptionHeatmap(
    filter: InsightsFilter,
  ): Promise<Array<{ weekday: number; hour: number; count: number }>>;
  /**
   * Entities named by incidents or notifications in [from, to) whose owner
   * is unknown or was refreshed before `staleBefore`.
   */
  entitiesToRefresh(from: Date, to: Date, staleBefore: Date): Promise<string[]>;
  /** Records each entity's owner Group ('' when it has none). */
  setOwners(
    owners: Array<{ entityRef: string; ownerRef: string }>,
  ): Promise<void>;
}
