import { Dialog, DialogContent, DialogTitle } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  Postmortem,
  UpdatePostmortemRequest,
  updatePostmortemSchema,
} from '@multivac/plugin-multivac-common';
import { FormEvent, useEffect, useState } from 'react';
import { useValidatedSubmit } from '../../hooks/useValidatedSubmit';
import { EntityRefPicker } from '../EntityRefPicker';
import { FormDialogActions } from '../FormDialogActions';
import { DateField } from '../DateField';

export interface EditPostmortemDialogProps {
  postmortem: Postmortem;
  open: boolean;
  onClose: () => void;
  /** Rejects with the server's reason, which the dialog shows. */
  onSave: (changes: UpdatePostmortemRequest) => Promise<void>;
}

interface Values {
  owner: string[];
  reviewers: string[];
  dueDate: string;
}

function valuesOf(postmortem: Postmortem): Values {
  return {
    owner: [postmortem.ownerRef],
    reviewers: postmortem.reviewerRefs,
    dueDate: postmortem.dueDate,
  };
}

const sameRefs = (a: string[], b: string[]) =>
  a.length === b.length && a.every(ref => b.includes(ref));

/** What the form's mistakes call its fields. */
const FIELD_LABELS = {
  ownerRef: 'Owner',
  reviewerRefs: 'Reviewers',
  dueDate: 'Due date',
};

/** Who writes it, who reviews it, and by when; sends only what changed. */
export const EditPostmortemDialog = ({
  postmortem,
  open,
  onClose,
  onSave,
}: EditPostmortemDialogProps) => {
  const [values, setValues] = useState<Values>(valuesOf(postmortem));
  const { submit, submitting, error, setError } = useValidatedSubmit(
    updatePostmortemSchema,
    onSave,
    onClose,
    FIELD_LABELS,
  );

  useEffect(() => {
    if (open) {
      setValues(valuesOf(postmortem));
      setError(undefined);
    }
  }, [open, postmortem, setError]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const changes = {
      ...(values.owner[0] !== postmortem.ownerRef && {
        ownerRef: values.owner[0] ?? '',
      }),
      ...(!sameRefs(values.reviewers, postmortem.reviewerRefs) && {
        reviewerRefs: values.reviewers,
      }),
      ...(values.dueDate !== postmortem.dueDate && { dueDate: values.dueDate }),
    };
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    await submit(changes);
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle>Edit {postmortem.reference}</DialogTitle>
        <DialogContent>
          {error && <Alert severity="error">{error}</Alert>}
          <EntityRefPicker
            id="multivac-postmortem-owner"
            label="Owner"
            kinds={['User']}
            value={values.owner}
            onChange={owner => setValues({ ...values, owner })}
            required
          />
          <EntityRefPicker
            id="multivac-postmortem-reviewers"
            label="Reviewers"
            kinds={['User']}
            value={values.reviewers}
            onChange={reviewers => setValues({ ...values, reviewers })}
            multiple
          />
          <DateField
            id="multivac-postmortem-due"
            label="Due date"
            type="date"
            value={values.dueDate}
            onChange={dueDate => setValues({ ...values, dueDate })}
          />
        </DialogContent>
        <FormDialogActions
          onCancel={onClose}
          submitLabel="Save"
          disabled={submitting}
        />
      </form>
    </Dialog>
  );
};
