import { humanReference } from './references';

/**
 * Incident model shared by the backend, the frontend and modules.
 */

/**
 * Lifecycle states, in the order an incident normally moves through them.
 *
 * @public
 */
export const INCIDENT_STATES = [
  'triggered',
  'acknowledged',
  'investigating',
  'identified',
  'monitoring',
  'resolved',
  'cancelled',
] as const;
/** @public */
export type IncidentStatus = (typeof INCIDENT_STATES)[number];

/**
 * The states in which an incident still needs attention.
 *
 * @public
 */
export const ACTIVE_INCIDENT_STATES: readonly IncidentStatus[] = [
  'triggered',
  'acknowledged',
  'investigating',
  'identified',
  'monitoring',
];

/** @public */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
/** @public */
export type Severity = (typeof SEVERITIES)[number];

/**
 * One line per level, shown wherever a severity is picked.
 *
 * @public
 */
export const SEVERITY_DESCRIPTIONS: Record<Severity, string> = {
  SEV1: 'Critical: a core service is down or data is at risk for many customers.',
  SEV2: 'Major: a key feature is broken or badly degraded for many users.',
  SEV3: 'Minor: a feature is degraded for some users; a workaround exists.',
  SEV4: 'Low: little or no customer impact; internal or cosmetic.',
};

/** @public */
export const INCIDENT_ROLES = [
  'controller',
  'responder',
  'reporter',
  'observer',
] as const;
/** @public */
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

/**
 * Roles held by exactly one person: assigning them hands them over.
 *
 * @public
 */
export const SINGLE_HOLDER_ROLES: readonly IncidentRole[] = [
  'controller',
  'reporter',
];

/** @public */
export interface IncidentRoleAssignment {
  role: IncidentRole;
  /** Catalog user ref, e.g. `user:default/ada.lovelace`. */
  userRef: string;
  assignedAt: string;
}

/** @public */
export type JobStatus = 'pending' | 'running' | 'succeeded' | 'failed';

/**
 * A side effect (chat message, page, tracker issue) recorded with a change.
 *
 * @public
 */
export interface JobSummary {
  id: string;
  type: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  lastError?: string;
  nextRunAt?: string;
  createdAt: string;
  finishedAt?: string;
}

/** @public */
export interface Incident {
  id: string;
  /** Human number: 42 for INC-42. */
  number: number;
  /** `INC-<number>`. */
  reference: string;
  title: string;
  description: string;
  severity: Severity;
  status: IncidentStatus;
  /** Affected catalog entities, as full entity refs. */
  entityRefs: string[];
  summary: string;
  impact: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** When each state was last reached. */
  stateTimestamps: Partial<Record<IncidentStatus, string>>;
  roles: IncidentRoleAssignment[];
  /**
   * Side effects recorded for this incident, the latest 100 (oldest first);
   * present on single reads.
   */
  jobs?: JobSummary[];
  /** How many side effects the incident has in all; present with `jobs`. */
  jobCount?: number;
}

/** @public */
export type TimelineEventType =
  | 'declared'
  | 'status_changed'
  | 'reopened'
  | 'severity_changed'
  | 'field_changed'
  | 'role_assigned'
  | 'role_removed'
  | 'note';

/** @public */
export interface TimelineEvent {
  id: string;
  incidentId: string;
  type: TimelineEventType;
  /** Who did it: a user entity ref or `service:<name>`. */
  actor: string;
  createdAt: string;
  payload: Record<string, unknown>;
}

/** @public */
export interface IncidentList {
  items: Incident[];
  totalCount: number;
  limit: number;
  offset: number;
}

const incidentReference = humanReference('INC');

/**
 * 7 → `INC-7`
 *
 * @public
 */
export const formatIncidentReference = incidentReference.format;
/**
 * `INC-7` → 7; anything else → undefined.
 *
 * @public
 */
export const parseIncidentReference = incidentReference.parse;

/** @public */
export function isActiveStatus(status: IncidentStatus): boolean {
  return ACTIVE_INCIDENT_STATES.includes(status);
}

/**
 * Which states an incident may move to from `from`: any later active state or
 * `resolved` (skipping forward is fine), `cancelled` while active, and any
 * active state to reopen a resolved incident. Nothing leaves `cancelled`.
 *
 * @public
 */
export function allowedTransitions(from: IncidentStatus): IncidentStatus[] {
  if (from === 'cancelled') {
    return [];
  }
  if (from === 'resolved') {
    return [...ACTIVE_INCIDENT_STATES];
  }
  const index = INCIDENT_STATES.indexOf(from);
  const forward = INCIDENT_STATES.slice(index + 1).filter(
    s => s !== 'cancelled',
  );
  return [...forward, 'cancelled'];
}

/** @public */
export function isReopen(from: IncidentStatus, to: IncidentStatus): boolean {
  return from === 'resolved' && isActiveStatus(to);
}

/**
 * The person holding `role`, for single-holder roles.
 *
 * @public
 */
export function roleHolder(
  incident: Pick<Incident, 'roles'>,
  role: IncidentRole,
): string | undefined {
  return incident.roles.find(r => r.role === role)?.userRef;
}
