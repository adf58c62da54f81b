import {
  Postmortem,
  PostmortemTracking,
} from '@multivac/plugin-multivac-common';
import { TrackerIssue } from '@multivac/plugin-multivac-node';
import { Transaction } from '../database/Transaction';

/** What was tracked: a post-mortem or one of its action items. */
export type TrackedRecord = { postmortemId: string } | { actionItemId: string };

/** Sends a reminder, in the transaction that records it. */
export type Remind = (
  tx: Transaction,
  postmortem: Pick<Postmortem, 'id' | 'incidentId'>,
) => Promise<void>;

/**
 * What follows up on post-mortems: their issues and their action items'
 * in the issue tracker (keys, filing attempts, the tracker's status), and
 * the reminders of post-mortems past their due date.
 */
export interface PostmortemFollowUpStore {
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
  markReminded(id: string, today: string, andThen: Remind): Promise<boolean>;
}
