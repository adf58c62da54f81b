import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  oncallOverridePermission,
  OnCallOverrideRecord,
  ScheduleOverview,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multivacApiRef } from '../../api/MultivacApi';
import { formatWithScheduleTime } from '../../formatTime';
import { CoverShiftDialog } from '../CoverShiftDialog';
import { ActorName } from '../OnCallPerson';

/**
 * A schedule's current and upcoming covers (overrides) with who made them,
 * the "Cover a shift" button and a Cancel for each, for whoever may cover.
 */
export const ScheduleCovers = ({
  schedule,
  onChanged,
}: {
  schedule: Pick<ScheduleOverview, 'id' | 'name' | 'timeZone'>;
  /** After a cover is made or cancelled (the timeline changes). */
  onChanged: () => void;
}) => {
  const api = useApi(multivacApiRef);
  const { allowed: mayCover } = usePermission({
    permission: oncallOverridePermission,
  });
  const [open, setOpen] = useState(false);
  const [cancelError, setCancelError] = useState<string>();
  const {
    value: covers = [],
    error,
    retry,
  } = useAsyncRetry(() => api.listOverrides(schedule.id), [api, schedule.id]);

  const changed = () => {
    retry();
    onChanged();
  };
  const cancel = async (cover: OnCallOverrideRecord) => {
    setCancelError(undefined);
    try {
      await api.cancelOverride(schedule.id, cover.id);
      changed();
    } catch (e) {
      setCancelError((e as Error).message);
    }
  };
  const when = (time: string) =>
    formatWithScheduleTime(time, schedule.timeZone);

  return (
    <Box mt={1}>
      {error && <Alert severity="warning">{error.message}</Alert>}
      {cancelError && (
        <Alert severity="error" role="alert">
          {cancelError}
        </Alert>
      )}
      {covers.length > 0 && (
        <ul aria-label={`${schedule.name} covers`}>
          {covers.map(cover => (
            <li key={cover.id}>
              <Typography variant="body2" component="span">
                {cover.person?.name ?? shortRef(cover.userRef)} covers{' '}
                {when(cover.start)} – {when(cover.end)}, set by{' '}
                <ActorName actor={cover.createdBy} />
                {cover.reason ? `: ${cover.reason}` : ''}
              </Typography>
              {mayCover && (
                <Button
                  size="small"
                  onClick={() => cancel(cover)}
                  aria-label={`Cancel the cover by ${
                    cover.person?.name ?? shortRef(cover.userRef)
                  }`}
                >
                  Cancel
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayCover && (
        <>
          <Button
            size="small"
            variant="outlined"
            color="primary"
            onClick={() => setOpen(true)}
            aria-label={`Cover a shift of ${schedule.name}`}
          >
            Cover a shift
          </Button>
          <CoverShiftDialog
            schedule={schedule}
            open={open}
            onClose={() => setOpen(false)}
            onCovered={() => {
              setOpen(false);
              changed();
            }}
          />
        </>
      )}
    </Box>
  );
};
