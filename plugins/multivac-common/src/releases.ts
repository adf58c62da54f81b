import { z } from 'zod';
import {
  httpUrlSchema,
  isoDateTimeSchema,
  limitSchema,
  offsetSchema,
  refSchema,
} from './limits';
import { oneOrMany } from './schemas';
import { humanReference } from './references';

/**
 * The release calendar: planned releases of catalog entities, and the
 * conflicts a proposed release window has with other releases, freezes and
 * active incidents.
 */

/** @public */
export const RELEASE_STATUSES = [
  'planned',
  'in_progress',
  'done',
  'rolled_back',
  'cancelled',
] as const;
/** @public */
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/**
 * Releases that still occupy their window (others do not conflict).
 *
 * @public
 */
export const ACTIVE_RELEASE_STATUSES: readonly ReleaseStatus[] = [
  'planned',
  'in_progress',
];

/**
 * Which statuses a release may move to: a planned release starts, is done
 * (CI that only reports the end) or is cancelled; one in progress ends done
 * or rolled back; a done release may still be rolled back. Rolled back and
 * cancelled are final.
 *
 * @public
 */
export function allowedReleaseTransitions(
  from: ReleaseStatus,
): ReleaseStatus[] {
  switch (from) {
    case 'planned':
      return ['in_progress', 'done', 'cancelled'];
    case 'in_progress':
      return ['done', 'rolled_back'];
    case 'done':
      return ['rolled_back'];
    default:
      return [];
  }
}

/**
 * The longest window a release may book.
 *
 * @public
 */
export const MAX_RELEASE_WINDOW_HOURS = 72;

/**
 * Who moved a release when its window started or ended, in its history
 * (people and CI are entity refs).
 *
 * @public
 */
export const RELEASE_CLOCK_ACTOR = 'multivac:release-clock';

/**
 * The longest reason for recording a past release as done, in characters.
 *
 * @public
 */
export const MAX_RELEASE_REASON_LENGTH = 2000;

/** @public */
export const RELEASE_LINK_KINDS = ['ci', 'changelog', 'other'] as const;
/** @public */
export type ReleaseLinkKind = (typeof RELEASE_LINK_KINDS)[number];

/** @public */
export interface ReleaseLink {
  /** `ci`: the CI run; `changelog`: what changes. */
  kind: ReleaseLinkKind;
  url: string;
  title?: string;
}

/** @public */
export type ReleaseConflictKind =
  | 'same-entity'
  | 'dependency'
  | 'dependent'
  | 'api'
  | 'system'
  | 'freeze'
  | 'incident';

/**
 * Why a proposed release window is a bad idea, in one sentence.
 *
 * @public
 */
export interface ReleaseConflict {
  kind: ReleaseConflictKind;
  /**
   * e.g. "payments-api depends on ledger-service, which releases
   * 14:00–14:30 UTC, overlapping by 20 minutes" (times in the calendar's
   * zone, named).
   */
  sentence: string;
  /** The other entity involved (the other release's, or the incident's). */
  entityRef?: string;
  /** The overlapping release. */
  releaseId?: string;
  releaseReference?: string;
  freezeId?: string;
  incidentReference?: string;
  /** Minutes the windows overlap (releases and freezes). */
  overlapMinutes?: number;
  /** True when the environment's policy blocks the release. */
  blocking: boolean;
}

/** @public */
export interface ReleaseStatusChange {
  status: ReleaseStatus;
  at: string;
  /** A user ref or `service:<name>`. */
  by: string;
  note?: string;
}

/**
 * A release that was booked despite blocking conflicts.
 *
 * @public
 */
export interface ReleaseForce {
  reason: string;
  /** Who forced it: a user ref or `service:<name>`. */
  by: string;
  at: string;
  /** The blocking conflicts it was forced past. */
  conflicts: ReleaseConflict[];
}

/** @public */
export interface Release {
  id: string;
  number: number;
  /** `REL-<number>`. */
  reference: string;
  /** The released catalog entity, as a full ref. */
  entityRef: string;
  /** The version or a title, e.g. `v2.4.1`. */
  title: string;
  /** One of `multivac.releases.environments`, e.g. `production`. */
  environment: string;
  /** Planned window (ISO times, UTC). */
  start: string;
  end: string;
  status: ReleaseStatus;
  /** Who answers for it: a Group or User ref. */
  ownerRef: string;
  links: ReleaseLink[];
  notes: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Each status it reached, oldest first, starting with `planned`. */
  history: ReleaseStatusChange[];
  /** Present when blocking conflicts were overridden (the latest time). */
  forced?: ReleaseForce;
  /**
   * Its conflicts as things stand now (later bookings, freezes, incidents
   * included), when listed with `withConflicts=true`; planned and
   * in-progress releases only.
   */
  conflicts?: ReleaseConflict[];
}

/** @public */
export interface ReleaseList {
  items: Release[];
  totalCount: number;
  limit: number;
  offset: number;
}

/**
 * What the environments' policies make of a proposed window.
 *
 * @public
 */
export interface ReleaseCheckResult {
  conflicts: ReleaseConflict[];
  /** True when any conflict is blocking. */
  blocked: boolean;
}

/**
 * An environment and what its conflicts do: warn, or block unless forced.
 *
 * @public
 */
export interface ReleaseEnvironment {
  id: string;
  policy: 'warn' | 'block';
}

const releaseReference = humanReference('REL');

/**
 * 7 → `REL-7`
 *
 * @public
 */
export const formatReleaseReference = releaseReference.format;
/**
 * `REL-7` → 7; anything else → undefined.
 *
 * @public
 */
export const parseReleaseReference = releaseReference.parse;

const isoTime = isoDateTimeSchema(
  'must be an ISO 8601 time with a zone, e.g. 2026-11-24T14:00:00Z',
);

const link = z
  .object({
    kind: z.enum(RELEASE_LINK_KINDS).default('other'),
    url: httpUrlSchema,
    title: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

const links = z.array(link).max(20, 'at most 20 links');
const notes = z.string().max(20000);
const title = z
  .string()
  .trim()
  .min(1, 'give the version or a title')
  .max(200, 'keep it to 200 characters');
const entityRef = refSchema('name the catalog entity that is released');
const environment = z
  .string()
  .trim()
  .min(1, 'name the environment')
  .max(64, 'must be at most 64 characters');
const ownerRef = refSchema();

/** Booking past blocking conflicts: the reason is recorded with who forced. */
const force = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1, 'say why the release may go ahead despite the conflicts')
      .max(2000),
  })
  .strict();

/** Adds "end: must be after start" and the length limit to a window. */
function checkWindow(
  window: { start?: string; end?: string },
  context: z.RefinementCtx,
) {
  const { start, end } = window;
  if (
    !start ||
    !end ||
    Number.isNaN(Date.parse(start)) ||
    Number.isNaN(Date.parse(end))
  ) {
    return; // missing or malformed: reported on the field itself
  }
  const issue = validateReleaseWindow(start, end);
  if (issue) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['end'],
      message: issue,
    });
  }
}

/**
 * What is wrong with a window, or undefined when it is fine.
 *
 * @public
 */
export function validateReleaseWindow(
  start: string,
  end: string,
): string | undefined {
  const length = Date.parse(end) - Date.parse(start);
  if (!(length > 0)) {
    return 'must be after start';
  }
  if (length > MAX_RELEASE_WINDOW_HOURS * 3_600_000) {
    return `the window may be at most ${MAX_RELEASE_WINDOW_HOURS} hours long`;
  }
  return undefined;
}

/** @public */
export const createReleaseSchema = z
  .object({
    entityRef,
    title,
    environment,
    start: isoTime,
    end: isoTime,
    /** Default: the entity's owner. */
    ownerRef: ownerRef.optional(),
    links: links.default([]),
    notes: notes.default(''),
    force: force.optional(),
    /**
     * Records a release that already happened: only `done`, only for a
     * window that has ended, and only with `reason`.
     */
    status: z
      .literal('done', {
        errorMap: () => ({
          message:
            "only 'done' (a release that already happened) may be booked with a status",
        }),
      })
      .optional(),
    /** Why a past release is recorded (with `status: 'done'`). */
    reason: z
      .string()
      .trim()
      .min(1, 'say why the past release is recorded')
      .max(
        MAX_RELEASE_REASON_LENGTH,
        `keep it to ${MAX_RELEASE_REASON_LENGTH} characters`,
      )
      .optional(),
  })
  .strict()
  .superRefine(checkWindow)
  .superRefine((body, context) => {
    if (body.status === 'done' && body.reason === undefined) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['reason'],
        message: 'say why the past release is recorded as done',
      });
    }
    if (body.reason !== undefined && body.status !== 'done') {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['status'],
        message:
          "a reason goes with status 'done' (a release that already happened)",
      });
    }
  });
/** @public */
export type CreateReleaseRequest = z.input<typeof createReleaseSchema>;

/** @public */
export const updateReleaseSchema = z
  .object({
    title: title.optional(),
    start: isoTime.optional(),
    end: isoTime.optional(),
    ownerRef: ownerRef.optional(),
    links: links.optional(),
    notes: notes.optional(),
    force: force.optional(),
  })
  .strict()
  .refine(
    body => Object.keys(body).some(key => key !== 'force'),
    'name at least one field to change',
  )
  .superRefine(checkWindow);
/** @public */
export type UpdateReleaseRequest = z.input<typeof updateReleaseSchema>;

/** @public */
export const releaseStatusSchema = z
  .object({
    to: z.enum(RELEASE_STATUSES),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();
/** @public */
export type ReleaseStatusRequest = z.input<typeof releaseStatusSchema>;

/**
 * A dry run of the conflict check, e.g. while the create dialog is open. Not
 * strict: the dialog may send its whole create body.
 *
 * @public
 */
export const checkReleaseSchema = z
  .object({
    entityRef,
    environment,
    start: isoTime,
    end: isoTime,
    /** The release being edited, which must not conflict with itself. */
    releaseId: z.string().trim().min(1).max(255).optional(),
  })
  .superRefine(checkWindow);
/** @public */
export type CheckReleaseRequest = z.input<typeof checkReleaseSchema>;

/**
 * Longest window of `GET /releases/around`, which walks every release in it.
 *
 * @public
 */
export const MAX_RELEASES_AROUND_DAYS = 92;

/** A query window, when both ends are given, must not be empty. */
function toAfterFrom(
  query: { from?: string; to?: string },
  context: z.RefinementCtx,
) {
  if (
    query.from &&
    query.to &&
    Date.parse(query.to) <= Date.parse(query.from)
  ) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['to'],
      message: 'must be after from',
    });
  }
}

/** @public */
export const listReleasesQuerySchema = z
  .object({
    /** A Group, System or Domain also matches what it owns or contains. */
    entityRef: oneOrMany(refSchema()).optional(),
    environment: oneOrMany(environment).optional(),
    /** `active`: planned or in progress. */
    status: oneOrMany(z.enum([...RELEASE_STATUSES, 'active'])).optional(),
    /** Releases whose window ends after `from` and starts before `to`. */
    from: isoTime.optional(),
    to: isoTime.optional(),
    limit: limitSchema(500, 50),
    offset: offsetSchema,
    /** Check each planned or in-progress release for conflicts now. */
    withConflicts: z
      .enum(['true', 'false'])
      .transform(v => v === 'true')
      .optional(),
  })
  .strict()
  .superRefine(toAfterFrom);
/** @public */
export type ListReleasesQuery = z.input<typeof listReleasesQuerySchema>;

/**
 * The iCalendar feed: `token` from `POST /releases/feed-token` for calendar
 * clients, which cannot sign in; without it the caller must be signed in.
 *
 * @public
 */
export const releaseCalendarQuerySchema = z
  .object({
    token: z.string().trim().min(1).max(200).optional(),
    /** A Group, System or Domain also matches what it owns or contains. */
    entityRef: oneOrMany(refSchema()).optional(),
    environment: oneOrMany(environment).optional(),
  })
  .strict();
/** @public */
export type ReleaseCalendarQuery = z.input<typeof releaseCalendarQuerySchema>;

/**
 * A release that matters to the entities asked about, and why.
 *
 * @public
 */
export interface RelevantRelease {
  release: Release;
  /**
   * How an entity asked about depends on the released one, e.g.
   * "payments-api depends on ledger-service"; absent for their own releases.
   */
  reason?: string;
}

/**
 * `GET /releases/around`: releases of the entities and of what they depend
 * on, in a window (e.g. an entity page's "upcoming releases of my
 * dependencies").
 *
 * @public
 */
export const releasesAroundQuerySchema = z
  .object({
    entityRef: oneOrMany(refSchema()),
    from: isoTime,
    to: isoTime,
    environment: oneOrMany(environment).optional(),
    /** `active`: planned or in progress. */
    status: oneOrMany(z.enum([...RELEASE_STATUSES, 'active'])).optional(),
  })
  .strict()
  .superRefine(toAfterFrom)
  .superRefine((query, context) => {
    const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000;
    if (days > MAX_RELEASES_AROUND_DAYS) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['to'],
        message: `must be at most ${MAX_RELEASES_AROUND_DAYS} days after from`,
      });
    }
  });
/** @public */
export type ReleasesAroundQuery = z.input<typeof releasesAroundQuerySchema>;
