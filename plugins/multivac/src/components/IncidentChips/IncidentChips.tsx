import { Chip, makeStyles, Tooltip } from '@material-ui/core';
import {
  IncidentStatus,
  isActiveStatus,
  PageStatus,
  PostmortemStatus,
  ReportStatus,
  Severity,
  SEVERITY_DESCRIPTIONS,
} from '@multivac/plugin-multivac-common';

const SEVERITY_COLORS: Record<Severity, string> = {
  SEV1: '#b71c1c',
  SEV2: '#e65100',
  SEV3: '#f9a825',
  SEV4: '#607d8b',
};

const useStyles = makeStyles({
  severity: { color: '#fff', fontWeight: 600 },
});

export const SeverityChip = ({ severity }: { severity: Severity }) => {
  const classes = useStyles();
  return (
    <Tooltip title={SEVERITY_DESCRIPTIONS[severity]}>
      <Chip
        size="small"
        label={severity}
        className={classes.severity}
        style={{ backgroundColor: SEVERITY_COLORS[severity] }}
      />
    </Tooltip>
  );
};

export const StatusChip = ({ status }: { status: IncidentStatus }) => (
  <Chip
    size="small"
    variant={isActiveStatus(status) ? 'default' : 'outlined'}
    color={status === 'triggered' ? 'secondary' : 'default'}
    label={status}
  />
);

/** A page's status; `triggered` stands out until someone acknowledges it. */
export const PageStatusChip = ({ status }: { status: PageStatus }) => (
  <Chip
    size="small"
    label={status}
    color={status === 'triggered' ? 'secondary' : 'default'}
  />
);

/** A report's status; `open` stands out until the on-call person answers. */
export const ReportStatusChip = ({ status }: { status: ReportStatus }) => (
  <Chip
    size="small"
    variant={status === 'incident' ? 'outlined' : 'default'}
    color={status === 'open' ? 'secondary' : 'default'}
    label={status}
  />
);

export const POSTMORTEM_STATUS_LABELS: Record<PostmortemStatus, string> = {
  draft: 'Draft',
  in_review: 'In review',
  published: 'Published',
};

/** A post-mortem's status; `in_review` stands out: reviewers are waited for. */
export const PostmortemStatusChip = ({
  status,
}: {
  status: PostmortemStatus;
}) => (
  <Chip
    size="small"
    variant={status === 'published' ? 'outlined' : 'default'}
    color={status === 'in_review' ? 'primary' : 'default'}
    label={POSTMORTEM_STATUS_LABELS[status]}
  />
);
