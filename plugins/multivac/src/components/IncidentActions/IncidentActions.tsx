import { InfoCard } from '@backstage/core-components';
import { Box, Button, TextField, Typography } from '@material-ui/core';
import {
  allowedTransitions,
  Incident,
  IncidentStatus,
  isReopen,
} from '@multivac/plugin-multivac-common';
import { ReactNode, useState } from 'react';
import { StatusChip } from '../IncidentChips';
import { incidentDurationMs } from '../IncidentsTable';
import { formatDuration } from '@multivac/plugin-multivac-common';

const LABELS: Partial<Record<IncidentStatus, string>> = {
  acknowledged: 'Acknowledge',
  investigating: 'Investigating',
  identified: 'Cause identified',
  monitoring: 'Monitoring fix',
  resolved: 'Resolve',
  cancelled: 'Cancel incident',
};

export interface IncidentActionsProps {
  incident: Incident;
  disabled?: boolean;
  onTransition: (to: IncidentStatus, note?: string) => Promise<void>;
  /** Shown below the buttons, e.g. the post-mortem. */
  children?: ReactNode;
}

/** The incident's state, how long it has run, and a button per allowed move. */
export const IncidentActions = ({
  incident,
  disabled,
  onTransition,
  children,
}: IncidentActionsProps) => {
  const [note, setNote] = useState('');
  const targets = allowedTransitions(incident.status);

  return (
    <InfoCard title="Status">
      <Box display="flex" alignItems="center" mb={2} style={{ gap: 16 }}>
        <StatusChip status={incident.status} />
        <Typography variant="body2" data-testid="incident-duration">
          {incident.status === 'resolved' || incident.status === 'cancelled'
            ? `Took ${formatDuration(incidentDurationMs(incident))}`
            : `Running for ${formatDuration(incidentDurationMs(incident))}`}
        </Typography>
      </Box>
      {targets.length === 0 ? (
        <Typography variant="body2">Cancelled incidents are final.</Typography>
      ) : (
        <>
          <TextField
            id="multivac-transition-note"
            label="Note for this change (optional)"
            value={note}
            onChange={e => setNote(e.target.value)}
            fullWidth
            variant="outlined"
            margin="dense"
          />
          <Box display="flex" flexWrap="wrap" style={{ gap: 8 }} mt={1}>
            {targets.map(to => (
              <Button
                key={to}
                variant={to === 'resolved' ? 'contained' : 'outlined'}
                color={to === 'cancelled' ? 'default' : 'primary'}
                disabled={disabled}
                onClick={async () => {
                  await onTransition(to, note || undefined);
                  setNote('');
                }}
              >
                {isReopen(incident.status, to)
                  ? `Reopen as ${to}`
                  : LABELS[to] ?? to}
              </Button>
            ))}
          </Box>
        </>
      )}
      {children}
    </InfoCard>
  );
};
