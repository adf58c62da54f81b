import { Button, DialogActions } from '@material-ui/core';
import { ReactNode } from 'react';

export interface FormDialogActionsProps {
  onCancel: () => void;
  /** What the submit button says, e.g. "Declare". */
  submitLabel: ReactNode;
  /** E.g. while submitting, or while the form may not be sent. */
  disabled?: boolean;
  color?: 'primary' | 'secondary';
}

/** Cancel, then the form's submit button: the end of every form dialog. */
export const FormDialogActions = (props: FormDialogActionsProps) => (
  <DialogActions>
    <Button onClick={props.onCancel}>Cancel</Button>
    <Button
      type="submit"
      color={props.color ?? 'primary'}
      variant="contained"
      disabled={props.disabled}
    >
      {props.submitLabel}
    </Button>
  </DialogActions>
);
