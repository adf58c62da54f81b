import { useApi } from '@backstage/core-plugin-api';
import {
  Dialog,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  MAX_OVERRIDE_DAYS,
  OnCallOverrideRecord,
  overrideRequestSchema,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { FormEvent, useCallback, useEffect, useState } from 'react';
import { multivacApiRef } from '../../api/MultivacApi';
import { useValidatedSubmit } from '../../hooks/useValidatedSubmit';
import { DateField } from '../DateField';
import { EntityRefPicker } from '../EntityRefPicker';
import { FormDialogActions } from '../FormDialogActions';

export interface CoverShiftDialogProps {
  /** The built-in schedule to cover; times are entered in its zone. */
  schedule: { id: string; name: string; timeZone: string };
  open: boolean;
  onClose: () => void;
  onCovered: (override: OnCallOverrideRecord) => void;
}

const FIELD_LABELS = {
  userRef: 'Who covers',
  start: 'From',
  end: 'Until',
  reason: 'Why',
};

const USER_KINDS = ['User'];
const LOCAL_FORMAT = "yyyy-MM-dd'T'HH:mm";

/** A `datetime-local` value read in the schedule's zone, as an ISO time. */
function inZone(value: string, zone: string): string {
  const time = DateTime.fromISO(value, { zone });
  // An unreadable value is left for the schema to name.
  return time.isValid ? time.toISO()! : value;
}

/**
 * Covers a shift of a built-in schedule: who, and from when until when in
 * the schedule's own zone (named on the fields), at most 14 days.
 */
export const CoverShiftDialog = (props: CoverShiftDialogProps) => {
  const { schedule, open, onClose, onCovered } = props;
  const api = useApi(multivacApiRef);
  const [person, setPerson] = useState<string[]>([]);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [reason, setReason] = useState('');
  const send = useCallback(
    (body: Parameters<typeof api.createOverride>[1]) =>
      api.createOverride(schedule.id, body),
    [api, schedule.id],
  );
  const { submit, submitting, error, setError, fieldErrors } =
    useValidatedSubmit(overrideRequestSchema, send, onCovered, FIELD_LABELS);

  useEffect(() => {
    if (open) {
      // Tonight, 18:00 to 09:00, in the schedule's zone.
      const evening = DateTime.now()
        .setZone(schedule.timeZone)
        .set({ hour: 18, minute: 0, second: 0, millisecond: 0 });
      setPerson([]);
      setStart(evening.toFormat(LOCAL_FORMAT));
      setEnd(evening.plus({ hours: 15 }).toFormat(LOCAL_FORMAT));
      setReason('');
      setError(undefined);
    }
  }, [open, schedule.timeZone, setError]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({
      userRef: person[0] ?? '',
      start: inZone(start, schedule.timeZone),
      end: inZone(end, schedule.timeZone),
      reason: reason.trim() || undefined,
    });
  };

  const zone = schedule.timeZone;
  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle>Cover a shift of {schedule.name}</DialogTitle>
        <DialogContent>
          <DialogContentText>
            The person is on call for {schedule.name} from the first time to the
            second, whatever the schedule says, for at most {MAX_OVERRIDE_DAYS}{' '}
            days. Times are in the schedule&apos;s zone, {zone}.
          </DialogContentText>
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
          <EntityRefPicker
            id="multivac-cover-person"
            label="Who covers"
            kinds={USER_KINDS}
            value={person}
            onChange={setPerson}
            required
            error={Boolean(fieldErrors.fields.userRef)}
            helperText={fieldErrors.fields.userRef}
          />
          <DateField
            id="multivac-cover-start"
            label={`From (${zone})`}
            type="datetime-local"
            value={start}
            onChange={setStart}
            required
            error={Boolean(fieldErrors.fields.start)}
            helperText={fieldErrors.fields.start}
          />
          <DateField
            id="multivac-cover-end"
            label={`Until (${zone})`}
            type="datetime-local"
            value={end}
            onChange={setEnd}
            required
            error={Boolean(fieldErrors.fields.end)}
            helperText={fieldErrors.fields.end}
          />
          <TextField
            id="multivac-cover-reason"
            label="Why (optional)"
            value={reason}
            onChange={e => setReason(e.target.value)}
            fullWidth
            variant="outlined"
            margin="dense"
          />
        </DialogContent>
        <FormDialogActions
          onCancel={onClose}
          submitLabel="Cover"
          disabled={submitting}
        />
      </form>
    </Dialog>
  );
};
