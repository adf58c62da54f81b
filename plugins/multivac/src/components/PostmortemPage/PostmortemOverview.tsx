import { InfoCard, Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import { Box, Button, Grid } from '@material-ui/core';
import EditIcon from '@material-ui/icons/Edit';
import LockOpenIcon from '@material-ui/icons/LockOpen';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  allowedPostmortemTransitions,
  Postmortem,
  PostmortemStatus,
} from '@multivac/plugin-multivac-common';
import { incidentRouteRef } from '../../routes';
import { DetailField } from '../DetailField';
import { PostmortemStatusChip, SeverityChip } from '../IncidentChips';
import { formatWhen } from '../OnCallPage/timeline';
import { DueDate } from '../PostmortemsTable';
import { TrackerIssue } from '../TrackerIssue';

const TRANSITION_LABELS: Record<PostmortemStatus, string> = {
  in_review: 'Send for review',
  draft: 'Back to draft',
  published: 'Publish',
};

export interface PostmortemOverviewProps {
  postmortem: Postmortem;
  canUpdate: boolean;
  canPublish: boolean;
  /** While a change runs. */
  disabled?: boolean;
  onEdit: () => void;
  onTransition: (to: PostmortemStatus) => void;
  /** Asks for the reason (the page opens the dialog). */
  onReopen: () => void;
  onExport: () => void;
}

/**
 * Where the post-mortem stands: status, people, due date, tracker issue,
 * and a button for each move its status allows. Published, it is read-only:
 * no Edit, and Reopen (with a reason) instead of the moves. Publish waits
 * for what the review still lacks (listed on the Review card).
 */
export const PostmortemOverview = ({
  postmortem,
  canUpdate,
  canPublish,
  disabled,
  onEdit,
  onTransition,
  onReopen,
  onExport,
}: PostmortemOverviewProps) => {
  const incidentRoute = useRouteRef(incidentRouteRef);
  const targets = allowedPostmortemTransitions(postmortem.status);
  const published = postmortem.status === 'published';
  const notReady = (postmortem.review?.blockers ?? []).length > 0;

  return (
    <InfoCard
      title="Post-mortem"
      action={
        published ? undefined : (
          <Button
            startIcon={<EditIcon />}
            disabled={disabled || !canUpdate}
            onClick={onEdit}
          >
            Edit
          </Button>
        )
      }
    >
      <Grid container spacing={2}>
        <Grid item xs={6} md={3}>
          <DetailField label="Status">
            <PostmortemStatusChip status={postmortem.status} />
          </DetailField>
        </Grid>
        <Grid item xs={6} md={3}>
          <DetailField label="Severity">
            <SeverityChip severity={postmortem.severity} />
          </DetailField>
        </Grid>
        <Grid item xs={6} md={3}>
          <DetailField label="Incident">
            <Link to={incidentRoute({ id: postmortem.incidentReference })}>
              {postmortem.incidentReference}
            </Link>
          </DetailField>
        </Grid>
        <Grid item xs={6} md={3}>
          <DetailField label="Due">
            <DueDate
              dueDate={postmortem.dueDate}
              overdue={postmortem.overdue}
            />
          </DetailField>
        </Grid>
        <Grid item xs={6} md={3}>
          <DetailField label="Owner">
            <EntityRefLink entityRef={postmortem.ownerRef} defaultKind="user" />
          </DetailField>
        </Grid>
        <Grid item xs={6} md={3}>
          <DetailField label="Reviewers">
            {postmortem.reviewerRefs.length > 0 && (
              <EntityRefLinks
                entityRefs={postmortem.reviewerRefs}
                defaultKind="user"
              />
            )}
          </DetailField>
        </Grid>
        {postmortem.tracking && (
          <Grid item xs={6} md={3}>
            <DetailField label="Tracker issue">
              <TrackerIssue tracking={postmortem.tracking} />
            </DetailField>
          </Grid>
        )}
        {postmortem.publishedAt && (
          <Grid item xs={6} md={3}>
            <DetailField label="Published">
              {formatWhen(postmortem.publishedAt)}
              {postmortem.publishedBy && (
                <>
                  {' by '}
                  <EntityRefLink
                    entityRef={postmortem.publishedBy}
                    defaultKind="user"
                  />
                </>
              )}
            </DetailField>
          </Grid>
        )}
      </Grid>
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        {targets.map(to => (
          <Button
            key={to}
            variant={to === 'draft' ? 'outlined' : 'contained'}
            color="primary"
            disabled={
              disabled ||
              !(to === 'published' ? canPublish && !notReady : canUpdate)
            }
            onClick={() => onTransition(to)}
          >
            {TRANSITION_LABELS[to]}
          </Button>
        ))}
        {published && (
          <Button
            variant="outlined"
            color="primary"
            startIcon={<LockOpenIcon />}
            disabled={disabled || !canPublish}
            onClick={onReopen}
          >
            Reopen
          </Button>
        )}
        <Button
          variant="outlined"
          startIcon={<GetAppIcon />}
          onClick={onExport}
        >
          Export Markdown
        </Button>
      </Box>
    </InfoCard>
  );
};
