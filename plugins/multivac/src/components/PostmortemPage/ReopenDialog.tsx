import {
  Dialog,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { reopenPostmortemSchema } from '@multivac/plugin-multivac-common';
import { FormEvent, useEffect, useState } from 'react';
import { useValidatedSubmit } from '../../hooks/useValidatedSubmit';
import { FormDialogActions } from '../FormDialogActions';

export interface ReopenDialogProps {
  open: boolean;
  /** `PM-7` */
  reference: string;
  onClose: () => void;
  /** Rejects with the server's reason, which the dialog shows. */
  onReopen: (reason: string) => Promise<void>;
}

const FIELD_LABELS = { reason: 'Why reopen it' };

/**
 * Reopening a published post-mortem: it becomes a draft again and goes
 * through review anew; the reason asked here goes on its timeline.
 */
export const ReopenDialog = ({
  open,
  reference,
  onClose,
  onReopen,
}: ReopenDialogProps) => {
  const [reason, setReason] = useState('');
  const { submit, submitting, error, setError, fieldErrors } =
    useValidatedSubmit(
      reopenPostmortemSchema,
      (input: { reason: string }) => onReopen(input.reason),
      onClose,
      FIELD_LABELS,
    );

  useEffect(() => {
    if (open) {
      setReason('');
      setError(undefined);
    }
  }, [open, setError]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    await submit({ reason });
  };
  const reasonError = fieldErrors.fields.reason;

  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle>Reopen {reference}</DialogTitle>
        <DialogContent>
          <DialogContentText>
            It becomes a draft again: its approvals are withdrawn and it is
            reviewed anew before it is published again. The reason goes on its
            timeline.
          </DialogContentText>
          {error && !reasonError && <Alert severity="error">{error}</Alert>}
          <TextField
            id="multivac-reopen-reason"
            label="Why reopen it"
            value={reason}
            onChange={e => setReason(e.target.value)}
            error={Boolean(reasonError)}
            helperText={reasonError}
            required
            multiline
            minRows={2}
            fullWidth
            variant="outlined"
            margin="dense"
          />
        </DialogContent>
        <FormDialogActions
          onCancel={onClose}
          submitLabel="Reopen"
          disabled={submitting}
        />
      </form>
    </Dialog>
  );
};
