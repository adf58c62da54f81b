import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Box,
  Button,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import {
  Postmortem,
  PostmortemEvent,
  PostmortemEventType,
} from '@multivac/plugin-multivac-common';
import { formatWhen } from '../OnCallPage/timeline';

const EVENT_TEXT: Record<PostmortemEventType, string> = {
  created: 'created it',
  review_requested: 'sent it for review',
  returned_to_draft: 'sent it back to draft',
  reviewers_changed: 'changed the reviewers',
  approved: 'approved it',
  published: 'published it',
  reopened: 'reopened it',
};

/**
 * Whether `userRef` may approve now: a reviewer who has not approved yet,
 * while it is in review; its owner only when no other reviewer is listed
 * (the backend's rule).
 */
export function mayApprove(
  postmortem: Postmortem,
  userRef: string | undefined,
): boolean {
  if (!userRef || postmortem.status !== 'in_review') {
    return false;
  }
  const { reviewerRefs, ownerRef } = postmortem;
  const approved = (postmortem.review?.approvals ?? []).some(
    a => a.reviewerRef === userRef,
  );
  return (
    reviewerRefs.includes(userRef) &&
    !approved &&
    (userRef !== ownerRef || reviewerRefs.every(r => r === ownerRef))
  );
}

export interface PostmortemReviewCardProps {
  postmortem: Postmortem;
  /** The signed-in user, when known. */
  userRef?: string;
  disabled?: boolean;
  onApprove: () => void;
}

const HistoryEntry = ({ event }: { event: PostmortemEvent }) => (
  <ListItem alignItems="flex-start" divider>
    <ListItemText
      primary={
        <Typography variant="body2" component="span">
          <EntityRefLink entityRef={event.actor} defaultKind="user" />{' '}
          {EVENT_TEXT[event.type]}
          {event.reason && <>: {event.reason}</>}
        </Typography>
      }
      secondary={formatWhen(event.at)}
    />
  </ListItem>
);

/**
 * The review: who reviews it and who approved, what publishing still waits
 * for, an Approve button for a reviewer, and the post-mortem's own timeline
 * (sent for review, approved, published, reopened and why).
 */
export const PostmortemReviewCard = ({
  postmortem,
  userRef,
  disabled,
  onApprove,
}: PostmortemReviewCardProps) => {
  const approvals = postmortem.review?.approvals ?? [];
  const blockers = postmortem.review?.blockers ?? [];
  const history = postmortem.history ?? [];
  const isOwnerWithOthers =
    userRef === postmortem.ownerRef &&
    postmortem.status === 'in_review' &&
    postmortem.reviewerRefs.includes(userRef) &&
    postmortem.reviewerRefs.some(r => r !== userRef);

  return (
    <InfoCard title="Review">
      {postmortem.reviewerRefs.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No reviewers yet: name them with Edit.
        </Typography>
      ) : (
        <List dense aria-label="reviewers">
          {postmortem.reviewerRefs.map(reviewer => {
            const approval = approvals.find(a => a.reviewerRef === reviewer);
            return (
              <ListItem key={reviewer} disableGutters>
                <ListItemText
                  primary={
                    <Box display="flex" alignItems="center" style={{ gap: 4 }}>
                      <EntityRefLink entityRef={reviewer} defaultKind="user" />
                      {reviewer === postmortem.ownerRef && (
                        <Typography variant="caption">(owner)</Typography>
                      )}
                      {approval && (
                        <CheckCircleIcon
                          fontSize="small"
                          color="primary"
                          titleAccess="approved"
                        />
                      )}
                    </Box>
                  }
                  secondary={
                    approval
                      ? `Approved ${formatWhen(approval.approvedAt)}`
                      : 'Not approved yet'
                  }
                />
              </ListItem>
            );
          })}
        </List>
      )}
      {mayApprove(postmortem, userRef) && (
        <Box my={1}>
          <Button
            variant="contained"
            color="primary"
            disabled={disabled}
            onClick={onApprove}
          >
            Approve
          </Button>
        </Box>
      )}
      {isOwnerWithOthers && (
        <Typography variant="body2" color="textSecondary">
          You own it, so another reviewer approves it.
        </Typography>
      )}
      {postmortem.status !== 'published' && blockers.length > 0 && (
        <Box mt={1}>
          <Typography variant="subtitle2">
            Before it can be published
          </Typography>
          <ul aria-label="before publishing" style={{ marginTop: 4 }}>
            {blockers.map(blocker => (
              <li key={blocker}>
                <Typography variant="body2">{blocker}</Typography>
              </li>
            ))}
          </ul>
        </Box>
      )}
      {history.length > 0 && (
        <Box mt={1}>
          <Typography variant="subtitle2">History</Typography>
          <List aria-label="post-mortem history">
            {history.map(event => (
              <HistoryEntry key={event.id} event={event} />
            ))}
          </List>
        </Box>
      )}
    </InfoCard>
  );
};
