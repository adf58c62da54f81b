import { Chip } from '@material-ui/core';
import { AlertStatus, AlertUrgency } from '@multivac/plugin-multivac-common';

/** An alert's or group's status; `firing` stands out. */
export const AlertStatusChip = ({ status }: { status: AlertStatus }) => (
  <Chip
    size="small"
    label={status}
    color={status === 'firing' ? 'secondary' : 'default'}
    variant={status === 'firing' ? 'default' : 'outlined'}
  />
);

/** High urgency pages the on-call person; low is only recorded. */
export const AlertUrgencyChip = ({ urgency }: { urgency: AlertUrgency }) => (
  <Chip
    size="small"
    label={`${urgency} urgency`}
    color={urgency === 'high' ? 'primary' : 'default'}
    variant={urgency === 'high' ? 'default' : 'outlined'}
  />
);
