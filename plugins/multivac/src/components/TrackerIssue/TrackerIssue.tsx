import { Link } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import { PostmortemTracking } from '@multivac/plugin-multivac-common';

/**
 * Where an issue in the tracker stands: its key and status once filed,
 * "creating…" (with what it waits for), or why the last attempt failed; the
 * backend keeps retrying.
 */
export const TrackerIssue = ({
  tracking,
}: {
  tracking: PostmortemTracking;
}) => {
  if (tracking.key) {
    return (
      <Typography variant="body2" component="span">
        {tracking.url ? (
          <Link to={tracking.url}>{tracking.key}</Link>
        ) : (
          tracking.key
        )}
        {tracking.status && ` (${tracking.status})`}
      </Typography>
    );
  }
  if (tracking.state === 'failed') {
    return (
      <Typography variant="body2" component="span" color="error">
        failed: {tracking.error ?? 'unknown error'}, retrying
      </Typography>
    );
  }
  return (
    <Typography variant="body2" component="span" color="textSecondary">
      creating…{tracking.error && ` (${tracking.error})`}
    </Typography>
  );
};
