import {
  Postmortem,
  PostmortemActionItem,
  PostmortemReview,
  PostmortemSummary,
} from '@multivac/plugin-multivac-common';
import { StoredPostmortem, StoredPostmortemSummary } from './PostmortemStore';

/** Links into the portal, by reference (`PM-7`, `INC-7`). */
export interface PostmortemUrls {
  postmortem(reference: string): string;
  incident(reference: string): string;
}

/** What a post-mortem is shown with that is not stored. */
export interface PostmortemView {
  /** YYYY-MM-DD where due dates are kept. */
  today: string;
  urls: PostmortemUrls;
}

/** Not published and its due date (YYYY-MM-DD) is before `today`. */
export function isOverdue(
  postmortem: Pick<StoredPostmortemSummary, 'status' | 'dueDate'>,
  today: string,
): boolean {
  return postmortem.status !== 'published' && postmortem.dueDate < today;
}

/** A stored summary with whether it is overdue and its links. */
export function presentSummary(
  stored: StoredPostmortemSummary,
  { today, urls }: PostmortemView,
): PostmortemSummary {
  // In the API's order: after the due date. The fields after it are left
  // out of the first spread; spreading `stored` again puts them back after
  // the worked-out ones (those already there keep their place).
  const {
    createdBy,
    createdAt,
    updatedAt,
    publishedAt,
    publishedBy,
    tracking,
    ...upToDueDate
  } = stored;
  return {
    ...upToDueDate,
    overdue: isOverdue(stored, today),
    url: urls.postmortem(stored.reference),
    incidentUrl: urls.incident(stored.incidentReference),
    ...stored,
  };
}

/**
 * A stored post-mortem with its action items and review, as the API
 * returns it.
 */
export function presentPostmortem(
  stored: StoredPostmortem,
  actionItems: PostmortemActionItem[],
  review: PostmortemReview,
  view: PostmortemView,
): Postmortem {
  const { facts, sections, approvals, history, ...summary } = stored;
  return {
    ...presentSummary(summary, view),
    facts,
    sections,
    actionItems,
    review,
    history,
  };
}
