import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import {
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { JobStatus, JobSummary } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';

const ICONS: Record<JobStatus, JSX.Element> = {
  pending: <StatusPending />,
  running: <StatusRunning />,
  succeeded: <StatusOK />,
  failed: <StatusError />,
};

function describe(job: JobSummary): string {
  const tries = `attempt ${job.attempts} of ${job.maxAttempts}`;
  switch (job.status) {
    case 'pending':
      return job.attempts === 0
        ? 'waiting to run'
        : `retrying ${DateTime.fromISO(
            job.nextRunAt!,
          ).toRelative()} (${tries})`;
    case 'running':
      return `running (${tries})`;
    case 'succeeded':
      return `done ${DateTime.fromISO(job.finishedAt!).toRelative()}`;
    default:
      return `gave up after ${job.attempts} attempts`;
  }
}

/** Side effects of the incident's changes (chat, pages, issues) and their state. */
export const IncidentJobs = ({ jobs }: { jobs: JobSummary[] }) => (
  <InfoCard title="Side effects">
    {jobs.length === 0 ? (
      <Typography variant="body2">
        None: no chat, paging or tracker integration is configured.
      </Typography>
    ) : (
      <List dense>
        {jobs.map(job => (
          <ListItem key={job.id}>
            <ListItemIcon>{ICONS[job.status]}</ListItemIcon>
            <ListItemText
              primary={`${job.type}: ${describe(job)}`}
              secondary={job.lastError}
            />
          </ListItem>
        ))}
      </List>
    )}
  </InfoCard>
);
