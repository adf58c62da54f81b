import { useApi } from '@backstage/core-plugin-api';
import { Button } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { OnCallOverrideRecord } from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { multivacApiRef } from '../../api/MultivacApi';
import { CoverShiftDialog } from './CoverShiftDialog';

/**
 * "Cover a shift" for a built-in schedule known by id and name (the On call
 * card's, whose answer says whether the viewer may cover): reads the
 * schedule's zone when clicked, then opens the dialog.
 */
export const CoverShiftButton = ({
  schedule,
  onCovered,
}: {
  schedule: { id: string; name: string };
  onCovered: (override: OnCallOverrideRecord) => void;
}) => {
  const api = useApi(multivacApiRef);
  const [timeZone, setTimeZone] = useState<string>();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();

  const openDialog = async () => {
    setError(undefined);
    try {
      const zone =
        timeZone ??
        (await api.listSchedules(1)).find(s => s.id === schedule.id)?.timeZone;
      if (!zone) {
        setError(`No built-in schedule '${schedule.id}' to cover.`);
        return;
      }
      setTimeZone(zone);
      setOpen(true);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <>
      <Button
        variant="outlined"
        color="primary"
        onClick={openDialog}
        aria-label={`Cover a shift of ${schedule.name}`}
      >
        Cover a shift
      </Button>
      {error && (
        <Alert severity="error" role="alert">
          {error}
        </Alert>
      )}
      {timeZone && (
        <CoverShiftDialog
          schedule={{ ...schedule, timeZone }}
          open={open}
          onClose={() => setOpen(false)}
          onCovered={override => {
            setOpen(false);
            onCovered(override);
          }}
        />
      )}
    </>
  );
};
