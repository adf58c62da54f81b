import { PermissionFilter } from '../permissions/permissionFilter';
import {
  Postmortem,
  PostmortemApproval,
  PostmortemEvent,
  PostmortemFacts,
  PostmortemSection,
  PostmortemStatus,
  PostmortemSummary,
  Severity,
} from '@multivac/plugin-multivac-common';
import { Transaction } from '../database/Transaction';

/**
 * A post-mortem's summary as stored: without what is worked out from it
 * when it is shown (whether it is overdue on a given day, its links in the
 * portal; see `present.ts`).
 */
export type StoredPostmortemSummary = Omit<
  PostmortemSummary,
  'overdue' | 'url' | 'incidentUrl'
>;

/** A post-mortem as stored; its action items are in the ActionItemStore. */
export type StoredPostmortem = StoredPostmortemSummary &
  Pick<Postmortem, 'facts' | 'sections'> & {
    /** Those of current reviewers, oldest first. */
    approvals: PostmortemApproval[];
    /** Its own timeline, oldest first. */
    history: PostmortemEvent[];
  };

export interface NewPostmortem {
  incidentId: string;
  title: string;
  severity: Severity;
  ownerRef: string;
  dueDate: string;
  facts: PostmortemFacts;
  sections: PostmortemSection[];
  createdBy: string;
  /** Who is asked to review it (the owning teams' members). */
  reviewerRefs: string[];
  /** Starts its tracking as `pending` (an issue tracker is configured). */
  tracked: boolean;
}

export interface PostmortemFilter {
  /** In the title, any section or any action item, case-insensitive. */
  q?: string;
  /** Post-mortems of incidents affecting any of these entities. */
  entityRefs?: string[];
  ownerRef?: string;
  severities?: Severity[];
  statuses?: PostmortemStatus[];
  overdue?: boolean;
  /** What the permission policy lets the caller see, when not everything. */
  permission?: PermissionFilter;
  limit: number;
  offset: number;
}

export interface PostmortemChanges {
  /** Section id → Markdown. */
  sections?: Record<string, string>;
  ownerRef?: string;
  reviewerRefs?: string[];
  dueDate?: string;
}

/** A post-mortem read inside the transaction that changes it. */
export type LockedPostmortem = StoredPostmortem & { actionItemCount: number };

/**
 * Runs inside the transaction of a change (after its writes), given the
 * post-mortem as it was before the change (locked on PostgreSQL); throwing
 * undoes the change.
 */
export type InTransaction = (
  tx: Transaction,
  before: LockedPostmortem,
) => Promise<void>;

/** Persistence of post-mortems: their row, sections and status. */
export interface PostmortemStore {
  /**
   * Stores the post-mortem of an incident unless it has one: then nothing is
   * stored, `andThen` does not run, and the existing one comes back.
   */
  create(
    input: NewPostmortem,
    andThen: (tx: Transaction, postmortemId: string) => Promise<void>,
  ): Promise<{ postmortem: StoredPostmortem; created: boolean }>;
  /** By id or reference (`PM-7`). */
  get(idOrReference: string): Promise<StoredPostmortem | undefined>;
  getByIncident(incidentId: string): Promise<StoredPostmortem | undefined>;
  /**
   * Newest first. `filter.overdue` is decided on `today` (YYYY-MM-DD): not
   * published and due before it, as `isOverdue` has it.
   */
  list(
    filter: PostmortemFilter,
    today: string,
  ): Promise<{ items: StoredPostmortemSummary[]; totalCount: number }>;
  /**
   * 400 for a section the post-mortem does not have; 409 when it is
   * published. A change of reviewers is recorded on its timeline, and the
   * approvals of reviewers no longer listed are dropped.
   */
  update(
    id: string,
    changes: PostmortemChanges,
    actor: string,
  ): Promise<StoredPostmortem>;
  /**
   * 409 unless the lifecycle allows it; recorded on its timeline.
   * Publishing records who and when; going back to draft withdraws the
   * approvals. `andThen` may refuse (throw) on what it is given.
   */
  transition(
    id: string,
    to: PostmortemStatus,
    actor: string,
    andThen: InTransaction,
  ): Promise<StoredPostmortem>;
  /**
   * Records the reviewer's approval (again: a new time); `andThen` decides
   * whether they may (throws to refuse).
   */
  approve(
    id: string,
    reviewerRef: string,
    andThen: InTransaction,
  ): Promise<StoredPostmortem>;
  /**
   * A published post-mortem becomes a draft again, its approvals
   * withdrawn and the reason on its timeline; 409 unless published.
   */
  reopen(
    id: string,
    actor: string,
    reason: string,
    andThen: InTransaction,
  ): Promise<StoredPostmortem>;
}
