import {
  Incident,
  IncidentRole,
  IncidentStatus,
  Severity,
  TimelineEvent,
} from '@multivac/plugin-multivac-common';
import { PermissionFilter } from '../permissions/permissionFilter';
import { Transaction } from './Transaction';

export interface NewIncident {
  title: string;
  description?: string;
  severity: Severity;
  entityRefs: string[];
  summary?: string;
  impact?: string;
}

export type IncidentChanges = Partial<NewIncident>;

export interface DeclareOptions {
  /** Roles given in the same transaction (one holder per single-holder role). */
  roles?: Array<{ role: IncidentRole; userRef: string }>;
  /** The triage report (`RPT-3`) the incident was started from. */
  fromReport?: string;
  /** Runs inside the declaring transaction; throwing undoes the declare. */
  andThen?: (tx: Transaction, incidentId: string) => Promise<void>;
}

export interface IncidentFilter {
  /** Incidents affecting any of these entities. */
  entityRefs?: string[];
  statuses?: IncidentStatus[];
  severities?: Severity[];
  /** Text in the title or summary, case-insensitive (at most 200 characters). */
  text?: string;
  /** Created at or after (ISO time). */
  from?: string;
  /** Created before (ISO time). */
  to?: string;
  /** What the permission policy lets the caller see, when not everything. */
  permission?: PermissionFilter;
  limit: number;
  offset: number;
}

export interface RoleChange {
  role: IncidentRole;
  userRef: string;
  action: 'assign' | 'remove';
}

/**
 * Called inside the transaction of every change, with the event that records
 * it, so that durable side effects are stored atomically with the change.
 */
export type TimelineEventSink = (
  tx: Transaction,
  event: TimelineEvent,
) => Promise<void>;

/** Persistence of incidents and their timelines. */
export interface IncidentStore {
  createIncident(
    input: NewIncident,
    actor: string,
    options?: DeclareOptions,
  ): Promise<Incident>;
  /** By id, by number, or by reference (`INC-7`). */
  getIncident(idOrReference: string): Promise<Incident | undefined>;
  listIncidents(
    filter: IncidentFilter,
  ): Promise<{ items: Incident[]; totalCount: number }>;
  updateIncident(
    id: string,
    changes: IncidentChanges,
    actor: string,
  ): Promise<Incident>;
  transitionIncident(
    id: string,
    to: IncidentStatus,
    actor: string,
    note?: string,
  ): Promise<Incident>;
  changeRole(id: string, change: RoleChange, actor: string): Promise<Incident>;
  addNote(id: string, text: string, actor: string): Promise<TimelineEvent>;
  getTimeline(id: string): Promise<TimelineEvent[]>;
  getTimelineEvent(eventId: string): Promise<TimelineEvent | undefined>;
}
