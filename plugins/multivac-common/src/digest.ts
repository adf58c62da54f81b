import { z } from 'zod';
import { IncidentStatus, Severity } from './incidents';
import { refSchema } from './limits';
import { PostmortemStatus } from './postmortems';
import { ReleaseStatus } from './releases';

/**
 * Longest digest window in hours (a week).
 *
 * @public
 */
export const MAX_DIGEST_HOURS = 168;

/**
 * How many items each list of a digest holds at most; its `count` says how
 * many there were.
 *
 * @public
 */
export const DIGEST_LIST_LIMIT = 50;

/**
 * Query of `GET /insights/digest`: the last `hours` (1 to 168, default 24)
 * up to now, optionally for one team (a Group).
 *
 * @public
 */
export const digestQuerySchema = z
  .object({
    team: refSchema().optional(),
    hours: z.coerce
      .number({ invalid_type_error: 'must be a number of hours' })
      .int('must be a whole number of hours')
      .min(1, 'must be at least 1')
      .max(MAX_DIGEST_HOURS, `must be at most ${MAX_DIGEST_HOURS}`)
      .default(24),
  })
  .strict();

/** @public */
export type DigestQuery = z.input<typeof digestQuerySchema>;

/**
 * An incident as the digest lists it.
 *
 * @public
 */
export interface DigestIncident {
  id: string;
  /** `INC-7` */
  reference: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  entityRefs: string[];
  declaredAt: string;
  /** Resolved incidents only. */
  resolvedAt?: string;
  /** Declared → resolved, in seconds (resolved incidents only). */
  durationSeconds?: number;
}

/**
 * A list of a digest: at most `DIGEST_LIST_LIMIT` items of `count`.
 *
 * @public
 */
export interface DigestList<T> {
  count: number;
  items: T[];
}

/** @public */
export interface DigestReport {
  /** `RPT-3` */
  reference: string;
  title: string;
  severity: Severity;
  entityRef: string;
  reportedBy: string;
  createdAt: string;
  /** The incident it became, e.g. `INC-7`. */
  incidentReference?: string;
}

/** @public */
export interface DigestTeamPages {
  /** The Group owning the paged entities; '' when they have no owner. */
  teamRef: string;
  name: string;
  pages: number;
  acknowledged: number;
}

/** @public */
export interface DigestPostmortem {
  /** `PM-7` */
  reference: string;
  title: string;
  status: PostmortemStatus;
  ownerRef: string;
  /** YYYY-MM-DD */
  dueDate: string;
  /** Days past the due date (0 when due on the digest's day, negative when still ahead). */
  overdueDays: number;
}

/** @public */
export interface DigestRelease {
  /** `REL-3` */
  reference: string;
  title: string;
  entityRef: string;
  environment: string;
  status: ReleaseStatus;
  startAt: string;
  endAt: string;
}

/** @public */
export interface DigestFreeze {
  id: string;
  name: string;
  reason?: string;
  start: string;
  end: string;
}

/** @public */
export interface DigestOnCall {
  scheduleId: string;
  scheduleName: string;
  /** The moment asked about: 22:00 tonight in the schedule's zone (or now, during the night). */
  at: string;
  timeZone?: string;
  /** Level 1 of the escalation chain at `at`. */
  people: Array<{ userRef?: string; name: string }>;
}

/**
 * The daily digest: the last `hours` up to `period.to`, for the whole
 * company or one team.
 *
 * @public
 */
export interface Digest {
  period: { from: string; to: string };
  hours: number;
  team?: { ref: string; name: string };
  /** Declared in the period (cancelled ones left out). */
  declared: DigestList<DigestIncident>;
  /** Resolved in the period, with how long each took. */
  resolved: DigestList<DigestIncident>;
  /** Not resolved nor cancelled at `period.to`, oldest first. */
  open: DigestList<DigestIncident>;
  /** Triage reports filed in the period. */
  reports: DigestList<DigestReport>;
  /** Pages sent in the period, by the team owning the paged entity. */
  pages: { total: number; byTeam: DigestTeamPages[] };
  /** Unpublished post-mortems overdue or due by the end of the next day. */
  postmortemsDue: DigestList<DigestPostmortem>;
  /** Releases (not cancelled) whose window overlaps the next 24 hours. */
  releases: DigestList<DigestRelease>;
  /** Configured release freezes overlapping the next 24 hours. */
  freezes: DigestFreeze[];
  /** Who is on call tonight, per schedule. */
  onCallTonight: DigestOnCall[];
}
