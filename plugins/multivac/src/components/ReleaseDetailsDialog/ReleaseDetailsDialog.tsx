import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  allowedReleaseTransitions,
  Release,
  RELEASE_CLOCK_ACTOR,
  releaseUpdatePermission,
  ReleaseStatus,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { multivacApiRef } from '../../api/MultivacApi';
import { formatDateTime } from '../../formatTime';
import { DetailField } from '../DetailField';
import { ActorName } from '../OnCallPerson';
import {
  formatWindow,
  RELEASE_STATUS_LABELS,
  ReleaseConflictList,
  ReleaseStatusChip,
} from '../ReleaseParts';

const TRANSITION_LABELS: Record<ReleaseStatus, string> = {
  planned: 'Planned',
  in_progress: 'Start',
  done: 'Mark done',
  rolled_back: 'Rolled back',
  cancelled: 'Cancel release',
};

export interface ReleaseDetailsDialogProps {
  release?: Release;
  onClose: () => void;
  /** After a status change, with the changed release. */
  onChanged: (release: Release) => void;
}

/** One release: what, where, when, who, why it was forced, and its status buttons. */
export const ReleaseDetailsDialog = ({
  release,
  onClose,
  onChanged,
}: ReleaseDetailsDialogProps) => {
  const api = useApi(multivacApiRef);
  const { allowed: canUpdate } = usePermission({
    permission: releaseUpdatePermission,
    resourceRef: release?.reference,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const move = async (to: ReleaseStatus) => {
    if (!release) {
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await api.setReleaseStatus(release.reference, to));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={!!release} onClose={onClose} maxWidth="sm" fullWidth>
      {release && (
        <>
          <DialogTitle>
            {release.reference}: {release.title}{' '}
            <ReleaseStatusChip status={release.status} />
          </DialogTitle>
          <DialogContent>
            {error && (
              <Alert severity="error" role="alert">
                {error}
              </Alert>
            )}
            {release.forced && (
              <Box mb={2}>
                <Alert severity="error" style={{ marginBottom: 4 }}>
                  Forced past its conflicts by{' '}
                  <ActorName actor={release.forced.by} />:{' '}
                  {release.forced.reason}
                </Alert>
                <ReleaseConflictList conflicts={release.forced.conflicts} />
              </Box>
            )}
            <DetailField label="Entity">
              <EntityRefLink entityRef={release.entityRef} />
            </DetailField>
            <DetailField label="Environment">{release.environment}</DetailField>
            <DetailField label="Window">
              {formatWindow(release.start, release.end)}
            </DetailField>
            <DetailField label="Owner">
              <EntityRefLink entityRef={release.ownerRef} />
            </DetailField>
            <DetailField label="Links">
              {release.links.length > 0 &&
                release.links.map(link => (
                  <div key={link.url}>
                    {link.kind}:{' '}
                    <Link to={link.url}>{link.title ?? link.url}</Link>
                  </div>
                ))}
            </DetailField>
            {/* plain text: notes are never rendered as HTML */}
            <DetailField label="Notes">{release.notes}</DetailField>
            <DetailField label="History">
              {release.history.map(change => (
                <Typography
                  variant="body2"
                  key={`${change.status}-${change.at}`}
                >
                  {RELEASE_STATUS_LABELS[change.status]},{' '}
                  {formatDateTime(change.at)},{' '}
                  {change.by === RELEASE_CLOCK_ACTOR ? (
                    'automatically'
                  ) : (
                    <ActorName actor={change.by} />
                  )}
                  {change.note ? `: ${change.note}` : ''}
                </Typography>
              ))}
            </DetailField>
          </DialogContent>
          <DialogActions>
            {canUpdate &&
              allowedReleaseTransitions(release.status).map(to => (
                <Button
                  key={to}
                  disabled={busy}
                  onClick={() => move(to)}
                  color={
                    to === 'in_progress' || to === 'done'
                      ? 'primary'
                      : 'default'
                  }
                >
                  {TRANSITION_LABELS[to]}
                </Button>
              ))}
            <Button onClick={onClose}>Close</Button>
          </DialogActions>
        </>
      )}
    </Dialog>
  );
};
