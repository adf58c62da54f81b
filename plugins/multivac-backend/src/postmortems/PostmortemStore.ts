import {
  ActionItemStatus,
  Postmortem,
  PostmortemActionItem,
  PostmortemFacts,
  PostmortemSection,
  PostmortemStatus,
  PostmortemSummary,
  PostmortemTracking,
  Severity,
} from '@multivac/plugin-multivac-common';
import { TrackerIssue } from '@multivac/plugin-multivac-node';
import { Knex } from 'knex';

export interface NewPostmortem {
  incidentId: string;
  title: string;
  severity: Severity;
  ownerRef: string;
  dueDate: string;
  facts: PostmortemFacts;
  sections: PostmortemSection[];
  createdBy: string;
  /** Starts its tracking as `pending` (an issue tracker is configured). */
  tracked: boolean;
}

export interface PostmortemFilter {
  /** In the title or any section, case-insensitive. */
  q?: string;
  /** Post-mortems of incidents affecting any of these entities. */
  entityRefs?: string[];
  ownerRef?: string;
  severities?: Severity[];
  statuses?: PostmortemStatus[];
  overdue?: boolean;
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

export interface NewActionItem {
  title: string;
  ownerRef?: string;
  dueDate?: string;
  createdBy: string;
  tracked: boolean;
}

/** `null` clears. */
export interface ActionItemChanges {
  title?: string;
  ownerRef?: string | null;
  dueDate?: string | null;
  status?: ActionItemStatus;
}

/** What was tracked: a post-mortem or one of its action items. */
export type TrackedRecord = { postmortemId: string } | { actionItemId: string };

/** Runs inside the transaction of a change; throwing undoes the change. */
export type InTransaction = (tx: Knex.Transaction) => Promise<void>;

/** Persistence of post-mortems, their sections and action items. */
export interface PostmortemStore {
  /**
   * Stores the post-mortem of an incident unless it has one: then nothing is
   * stored, `andThen` does not run, and the existing one comes back.
   */
  create(
    input: NewPostmortem,
    andThen: (tx: Knex.Transaction, postmortemId: string) => Promise<void>,
  ): Promise<{ postmortem: Postmortem; created: boolean }>;
  /** By id or reference (`PM-7`). */
  get(idOrReference: string): Promise<Postmortem | undefined>;
  getByIncident(incidentId: string): Promise<Postmortem | undefined>;
  /** Newest first. */
  list(
    filter: PostmortemFilter,
  ): Promise<{ items: PostmortemSummary[]; totalCount: number }>;
  /** 400 for a section the post-mortem does not have. */
  update(id: string, changes: PostmortemChanges): Promise<Postmortem>;
  /** 409 unless the lifecycle allows it; publishing records who and when. */
  transition(
    id: string,
    to: PostmortemStatus,
    actor: string,
    andThen: InTransaction,
  ): Promise<Postmortem>;

  addActionItem(
    postmortemId: string,
    item: NewActionItem,
    andThen: (
      tx: Knex.Transaction,
      item: PostmortemActionItem,
    ) => Promise<void>,
  ): Promise<PostmortemActionItem>;
  /** 404 unless the item belongs to the post-mortem. */
  updateActionItem(
    postmortemId: string,
    itemId: string,
    changes: ActionItemChanges,
  ): Promise<PostmortemActionItem>;
  deleteActionItem(postmortemId: string, itemId: string): Promise<void>;
  getActionItem(itemId: string): Promise<PostmortemActionItem | undefined>;

  setTracking(
    record: TrackedRecord,
    tracking: PostmortemTracking,
  ): Promise<void>;
  /** Tracker keys of unpublished post-mortems and open action items. */
  listOpenTrackerKeys(): Promise<string[]>;
  /** Stores tracker statuses; action items become done when their issue is. */
  recordTrackerStates(issues: TrackerIssue[]): Promise<void>;

  /** Unpublished, due before `today` and not reminded on `today`. */
  listDueForReminder(today: string): Promise<string[]>;
  /**
   * Records the reminder of `today` and runs `andThen` with it; false (and
   * nothing runs) when it was already recorded, e.g. by another replica.
   */
  markReminded(
    id: string,
    today: string,
    andThen: (
      tx: Knex.Transaction,
      postmortem: Pick<Postmortem, 'id' | 'incidentId'>,
    ) => Promise<void>,
  ): Promise<boolean>;
}
