import { z } from 'zod';
import { Severity, SEVERITIES } from './incidents';
import { ImpactScope, UsersAffected } from './reports';
import { checkDateYear, limitSchema, offsetSchema, refSchema } from './limits';
import { oneOrMany } from './schemas';
import { humanReference } from './references';

/**
 * Post-mortems: the document written after a resolved incident, pre-filled
 * with what Multivac knows, with sections people write and action items.
 */

/**
 * `in_review` may go back to `draft`; `published` is left only by reopening
 * it with a reason (`POST /postmortems/:id/reopen`), which makes it a draft.
 *
 * @public
 */
export const POSTMORTEM_STATUSES = ['draft', 'in_review', 'published'] as const;
/** @public */
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

/** @public */
export function allowedPostmortemTransitions(
  from: PostmortemStatus,
): PostmortemStatus[] {
  switch (from) {
    case 'draft':
      return ['in_review'];
    case 'in_review':
      return ['draft', 'published'];
    default:
      return [];
  }
}

/**
 * One section people write, from `multivac.postmortems.template`.
 *
 * @public
 */
export interface PostmortemSectionTemplate {
  /** Stable id used by the API, e.g. `went-well`. */
  id: string;
  title: string;
  /** What to write there, shown as a placeholder. */
  hint?: string;
  /**
   * Must be written before the post-mortem is published. When no section of
   * the configured template says, Summary, Trigger (the root cause) and
   * Impact are required.
   */
  required?: boolean;
}

/**
 * The default sections. Action items are not a text section: they are the
 * post-mortem's list of action items (owners, due dates, tracker issues).
 * What went well comes before what went wrong, on purpose.
 *
 * @public
 */
export const DEFAULT_POSTMORTEM_TEMPLATE: PostmortemSectionTemplate[] = [
  {
    id: 'summary',
    title: 'Summary',
    hint: 'What happened, in a few sentences a newcomer understands.',
  },
  {
    id: 'trigger',
    title: 'Trigger',
    hint: 'The change or event that set it off.',
  },
  {
    id: 'impact',
    title: 'Impact',
    hint: 'Who was affected, how badly and for how long.',
  },
  {
    id: 'detection',
    title: 'Detection',
    hint: 'How we found out, and how long that took.',
  },
  {
    id: 'resolution',
    title: 'Resolution',
    hint: 'What fixed it, and what we tried first.',
  },
  {
    id: 'went-well',
    title: 'What went well',
    hint: 'What helped: tools, people, process.',
  },
  {
    id: 'went-wrong',
    title: 'What went wrong',
    hint: 'What made it worse or slower, without blame.',
  },
  {
    id: 'lucky',
    title: 'Where we got lucky',
    hint: 'What could have gone worse.',
  },
];

/** @public */
export interface PostmortemSection extends PostmortemSectionTemplate {
  /** Markdown written by people. */
  text: string;
}

/**
 * Where an issue in the tracker (Jira) stands. `failed` means the last
 * attempt failed (`error` says why); the job keeps retrying with back-off.
 *
 * @public
 */
export interface PostmortemTracking {
  state: 'pending' | 'done' | 'failed';
  attempts: number;
  error?: string;
  /** e.g. `OPS-12` */
  key?: string;
  url?: string;
  /** The tracker's status name, e.g. `In Progress`. */
  status?: string;
}

/**
 * One line of the incident's story: a timeline event or a page update.
 *
 * @public
 */
export interface PostmortemTimelineEntry {
  at: string;
  source: 'incident' | 'page';
  /** Who did it, when known (a user ref or `service:<name>`). */
  actor?: string;
  text: string;
}

/**
 * What Multivac knew when the post-mortem was created.
 *
 * @public
 */
export interface PostmortemFacts {
  incidentTitle: string;
  /** When the incident was declared. */
  startedAt: string;
  resolvedAt: string;
  durationMs: number;
  /** In words, e.g. "1 hour 5 minutes". */
  duration: string;
  controllerRef?: string;
  /** Role holders and everyone who acted on the timeline (catalog users). */
  participantRefs: string[];
  entityRefs: string[];
  /** Markdown; from the triage report, else the incident's impact field. */
  impact: string;
  /** The triage report the incident was started from. */
  report?: {
    reference: string;
    reportedBy: string;
    usersAffected: UsersAffected;
    scope: ImpactScope;
    region?: string;
    customer?: string;
    customerFacing: boolean;
    startedAt?: string;
  };
  /** Oldest first. */
  timeline: PostmortemTimelineEntry[];
}

/** @public */
export const ACTION_ITEM_STATUSES = ['open', 'done'] as const;
/** @public */
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

/** @public */
export interface PostmortemActionItem {
  id: string;
  postmortemId: string;
  title: string;
  ownerRef?: string;
  /** YYYY-MM-DD */
  dueDate?: string;
  status: ActionItemStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Undefined when no issue tracker is configured. */
  tracking?: PostmortemTracking;
}

/**
 * A post-mortem as listed: everything but its contents.
 *
 * @public
 */
export interface PostmortemSummary {
  id: string;
  /** `PM-<incident number>` */
  reference: string;
  incidentId: string;
  incidentReference: string;
  title: string;
  severity: Severity;
  status: PostmortemStatus;
  ownerRef: string;
  reviewerRefs: string[];
  /** YYYY-MM-DD, in `multivac.postmortems.timeZone`. */
  dueDate: string;
  /** Not published and the due date has passed. */
  overdue: boolean;
  /** The post-mortem in the portal. */
  url: string;
  incidentUrl: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
  publishedBy?: string;
  /** Undefined when no issue tracker is configured. */
  tracking?: PostmortemTracking;
}

/**
 * A reviewer's approval of the post-mortem as it stands; approvals are
 * withdrawn when it goes back to draft (also by reopening).
 *
 * @public
 */
export interface PostmortemApproval {
  reviewerRef: string;
  approvedAt: string;
}

/** @public */
export const POSTMORTEM_EVENT_TYPES = [
  'created',
  'review_requested',
  'returned_to_draft',
  'reviewers_changed',
  'approved',
  'published',
  'reopened',
] as const;
/** @public */
export type PostmortemEventType = (typeof POSTMORTEM_EVENT_TYPES)[number];

/**
 * One step of the post-mortem's own story (its review and publication), as
 * opposed to the incident's timeline in its facts.
 *
 * @public
 */
export interface PostmortemEvent {
  id: string;
  type: PostmortemEventType;
  /** A user ref. */
  actor: string;
  at: string;
  /** Why it was reopened. */
  reason?: string;
  /** `reviewers_changed`: the reviewers after the change. */
  reviewerRefs?: string[];
}

/**
 * What stands between the post-mortem and publishing it.
 *
 * @public
 */
export interface PostmortemReview {
  /** Ids of the sections that must be written before publishing. */
  requiredSections: string[];
  /** At least one action item is needed before publishing. */
  actionItemsRequired: boolean;
  /** Titles of required sections still empty (and `Action items`). */
  missing: string[];
  /** Oldest first; only those of current reviewers. */
  approvals: PostmortemApproval[];
  /**
   * Sentences saying why it cannot be published now (empty when it can, or
   * when it is published).
   */
  blockers: string[];
}

/** @public */
export interface Postmortem extends PostmortemSummary {
  facts: PostmortemFacts;
  /** In template order. */
  sections: PostmortemSection[];
  /** Oldest first. */
  actionItems: PostmortemActionItem[];
  /** What publishing waits for (always sent by the backend). */
  review?: PostmortemReview;
  /**
   * The post-mortem's own timeline (review, publication), oldest first
   * (always sent by the backend).
   */
  history?: PostmortemEvent[];
}

/** @public */
export interface PostmortemList {
  items: PostmortemSummary[];
  totalCount: number;
}

const postmortemReference = humanReference('PM');

/**
 * A post-mortem is named after its incident: INC-7 → PM-7.
 *
 * @public
 */
export const formatPostmortemReference = postmortemReference.format;
/**
 * `PM-7` → 7; anything else → undefined.
 *
 * @public
 */
export const parsePostmortemReference = postmortemReference.parse;

/**
 * Section text and other Markdown the API accepts, in characters.
 *
 * @public
 */
export const POSTMORTEM_TEXT_MAX = 20000;

const userRef = refSchema();

/**
 * YYYY-MM-DD that is a real calendar day.
 *
 * @public
 */
export const isoDateSchema = z.string().superRefine((value, ctx) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'must be a date, YYYY-MM-DD',
    });
    return;
  }
  const date = new Date(`${value}T00:00:00Z`);
  if (isNaN(date.getTime()) || !date.toISOString().startsWith(value)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'is not a calendar day',
    });
    return;
  }
  checkDateYear(value, ctx);
});

/** @public */
export const updatePostmortemSchema = z
  .object({
    /** Section id → Markdown; only the sections named change. */
    sections: z
      .record(z.string().max(POSTMORTEM_TEXT_MAX))
      .refine(sections => Object.keys(sections).length <= 50, {
        message: 'at most 50 sections',
      })
      .optional(),
    ownerRef: userRef.optional(),
    reviewerRefs: z.array(userRef).max(20, 'at most 20 reviewers').optional(),
    dueDate: isoDateSchema.optional(),
  })
  .strict()
  .refine(body => Object.keys(body).length > 0, {
    message: 'name at least one field to change',
  });
/** @public */
export type UpdatePostmortemRequest = z.infer<typeof updatePostmortemSchema>;

/** @public */
export const postmortemStatusSchema = z
  .object({ status: z.enum(POSTMORTEM_STATUSES) })
  .strict();
/** @public */
export type PostmortemStatusRequest = z.infer<typeof postmortemStatusSchema>;

/**
 * Reopening a published post-mortem; the reason goes on its timeline.
 *
 * @public
 */
export const reopenPostmortemSchema = z
  .object({
    reason: z
      .string({ required_error: 'say why it is reopened' })
      .trim()
      .min(1, 'say why it is reopened')
      .max(2000, 'keep it under 2000 characters'),
  })
  .strict();
/** @public */
export type ReopenPostmortemRequest = z.infer<typeof reopenPostmortemSchema>;

const actionTitle = z
  .string()
  .trim()
  .min(1, 'say what needs doing')
  .max(300, 'keep it to one line (300 characters)');

/** @public */
export const createActionItemSchema = z
  .object({
    title: actionTitle,
    ownerRef: userRef.optional(),
    dueDate: isoDateSchema.optional(),
  })
  .strict();
/** @public */
export type CreateActionItemRequest = z.infer<typeof createActionItemSchema>;

/**
 * `null` clears the owner or the due date.
 *
 * @public
 */
export const updateActionItemSchema = z
  .object({
    title: actionTitle.optional(),
    ownerRef: userRef.nullable().optional(),
    dueDate: isoDateSchema.nullable().optional(),
    status: z.enum(ACTION_ITEM_STATUSES).optional(),
  })
  .strict()
  .refine(body => Object.keys(body).length > 0, {
    message: 'name at least one field to change',
  });
/** @public */
export type UpdateActionItemRequest = z.infer<typeof updateActionItemSchema>;

/** @public */
export const listPostmortemsQuerySchema = z
  .object({
    /** Words in the title, any section or an action item, case-insensitive. */
    q: z.string().trim().max(200).optional(),
    /** Post-mortems of incidents on these entities (or what they own/contain). */
    entityRef: oneOrMany(refSchema()).optional(),
    owner: userRef.optional(),
    severity: oneOrMany(z.enum(SEVERITIES)).optional(),
    status: oneOrMany(z.enum(POSTMORTEM_STATUSES)).optional(),
    overdue: z
      .enum(['true', 'false'])
      .transform(v => v === 'true')
      .optional(),
    limit: limitSchema(100, 20),
    offset: offsetSchema,
  })
  .strict();
/** @public */
export type ListPostmortemsQuery = z.input<typeof listPostmortemsQuerySchema>;
