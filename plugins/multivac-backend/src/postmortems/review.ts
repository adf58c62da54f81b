import { PostmortemReview } from '@multivac/plugin-multivac-common';
import { NameOf } from '../service/peopleNames';
import { StoredPostmortem } from './PostmortemStore';

/** What publishing needs, from `multivac.postmortems`. */
export interface ReviewRules {
  /** Ids of the sections that must be written. */
  requiredSections: string[];
  /** At least one action item. */
  requireActionItems: boolean;
}

/**
 * Whether an approval counts. The rule: the post-mortem's owner (who writes
 * it) may not approve their own post-mortem while another reviewer is
 * listed; when the owner is the only reviewer, their approval counts.
 */
export function approvalCounts(
  postmortem: Pick<StoredPostmortem, 'ownerRef' | 'reviewerRefs'>,
  reviewerRef: string,
): boolean {
  return (
    postmortem.reviewerRefs.includes(reviewerRef) &&
    (reviewerRef !== postmortem.ownerRef ||
      postmortem.reviewerRefs.every(ref => ref === postmortem.ownerRef))
  );
}

/**
 * What stands between the post-mortem and publishing it: empty required
 * sections, no action item (when required), no approval that counts. The
 * reviewers are named by `nameOf` (display names).
 */
export function reviewOf(
  postmortem: Pick<
    StoredPostmortem,
    'status' | 'ownerRef' | 'reviewerRefs' | 'approvals' | 'sections'
  >,
  actionItemCount: number,
  rules: ReviewRules,
  nameOf: NameOf,
): PostmortemReview {
  const emptySections = postmortem.sections
    .filter(s => rules.requiredSections.includes(s.id) && !s.text.trim())
    .map(s => s.title);
  const noActionItems = rules.requireActionItems && actionItemCount === 0;
  const missing = [
    ...emptySections,
    ...(noActionItems ? ['Action items'] : []),
  ];
  const blockers: string[] = [];
  if (postmortem.status !== 'published') {
    if (emptySections.length > 0) {
      blockers.push(
        `the required ${
          emptySections.length === 1 ? 'section' : 'sections'
        } ${emptySections.join(', ')} ${
          emptySections.length === 1 ? 'is' : 'are'
        } empty`,
      );
    }
    if (noActionItems) {
      blockers.push('it has no action items (add at least one)');
    }
    const counted = postmortem.approvals.filter(a =>
      approvalCounts(postmortem, a.reviewerRef),
    );
    if (postmortem.reviewerRefs.length === 0) {
      blockers.push('it has no reviewers (name at least one)');
    } else if (counted.length === 0) {
      const others = postmortem.reviewerRefs.filter(
        r => r !== postmortem.ownerRef,
      );
      blockers.push(
        postmortem.approvals.length > 0
          ? `a reviewer other than its owner must approve it (${others
              .map(nameOf)
              .join(', ')})`
          : `no reviewer has approved it (${postmortem.reviewerRefs
              .map(nameOf)
              .join(', ')})`,
      );
    }
  }
  return {
    requiredSections: rules.requiredSections,
    actionItemsRequired: rules.requireActionItems,
    missing,
    approvals: postmortem.approvals,
    blockers,
  };
}
