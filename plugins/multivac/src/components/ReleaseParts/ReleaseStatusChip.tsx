import { Chip } from '@material-ui/core';
import { ReleaseStatus } from '@multivac/plugin-multivac-common';
import { RELEASE_STATUS_COLORS, RELEASE_STATUS_LABELS } from './releaseDisplay';

export const ReleaseStatusChip = ({ status }: { status: ReleaseStatus }) => (
  <Chip
    size="small"
    label={RELEASE_STATUS_LABELS[status]}
    style={{ backgroundColor: RELEASE_STATUS_COLORS[status], color: '#fff' }}
  />
);
