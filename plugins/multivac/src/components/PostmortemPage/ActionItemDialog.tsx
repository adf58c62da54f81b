import {
  Dialog,
  DialogContent,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  CreateActionItemRequest,
  createActionItemSchema,
  PostmortemActionItem,
  UpdateActionItemRequest,
  updateActionItemSchema,
} from '@multivac/plugin-multivac-common';
import { FormEvent, useEffect, useState } from 'react';
import { useValidatedSubmit } from '../../hooks/useValidatedSubmit';
import { EntityRefPicker } from '../EntityRefPicker';
import { FormDialogActions } from '../FormDialogActions';
import { DateField } from '../DateField';

export interface ActionItemDialogProps {
  open: boolean;
  /** The item to edit; without it the dialog adds one. */
  item?: PostmortemActionItem;
  onClose: () => void;
  onAdd: (item: CreateActionItemRequest) => Promise<void>;
  onUpdate: (
    item: PostmortemActionItem,
    changes: UpdateActionItemRequest,
  ) => Promise<void>;
}

interface Values {
  title: string;
  owner: string[];
  dueDate: string;
}

function valuesOf(item?: PostmortemActionItem): Values {
  return {
    title: item?.title ?? '',
    owner: item?.ownerRef ? [item.ownerRef] : [],
    dueDate: item?.dueDate ?? '',
  };
}

/** Only what changed; an owner or due date emptied becomes `null` (cleared). */
function changesOf(item: PostmortemActionItem, values: Values) {
  const ownerRef = values.owner[0] ?? null;
  const dueDate = values.dueDate || null;
  return {
    ...(values.title !== item.title && { title: values.title }),
    ...(ownerRef !== (item.ownerRef ?? null) && { ownerRef }),
    ...(dueDate !== (item.dueDate ?? null) && { dueDate }),
  };
}

/** What the form's mistakes call its fields. */
const FIELD_LABELS = {
  title: 'What needs doing',
  ownerRef: 'Owner',
  dueDate: 'Due date',
};

/** Adds an action item or edits one: what, who, by when. */
export const ActionItemDialog = ({
  open,
  item,
  onClose,
  onAdd,
  onUpdate,
}: ActionItemDialogProps) => {
  const [values, setValues] = useState<Values>(valuesOf(item));
  const adding = useValidatedSubmit(
    createActionItemSchema,
    onAdd,
    onClose,
    FIELD_LABELS,
  );
  const editing = useValidatedSubmit(
    updateActionItemSchema,
    (changes: UpdateActionItemRequest) => onUpdate(item!, changes),
    onClose,
    FIELD_LABELS,
  );
  const { error, submitting } = item ? editing : adding;
  const { setError: setAddError } = adding;
  const { setError: setEditError } = editing;

  useEffect(() => {
    if (open) {
      setValues(valuesOf(item));
      setAddError(undefined);
      setEditError(undefined);
    }
  }, [open, item, setAddError, setEditError]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!item) {
      await adding.submit({
        title: values.title,
        ownerRef: values.owner[0],
        dueDate: values.dueDate || undefined,
      });
      return;
    }
    const changes = changesOf(item, values);
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    await editing.submit(changes);
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <form onSubmit={submit} noValidate>
        <DialogTitle>
          {item ? 'Edit action item' : 'Add action item'}
        </DialogTitle>
        <DialogContent>
          {error && <Alert severity="error">{error}</Alert>}
          <TextField
            id="multivac-action-title"
            label="What needs doing"
            value={values.title}
            onChange={e => setValues({ ...values, title: e.target.value })}
            required
            fullWidth
            variant="outlined"
            margin="dense"
          />
          <EntityRefPicker
            id="multivac-action-owner"
            label="Owner"
            kinds={['User']}
            value={values.owner}
            onChange={owner => setValues({ ...values, owner })}
          />
          <DateField
            id="multivac-action-due"
            label="Due date"
            type="date"
            value={values.dueDate}
            onChange={dueDate => setValues({ ...values, dueDate })}
          />
        </DialogContent>
        <FormDialogActions
          onCancel={onClose}
          submitLabel={item ? 'Save' : 'Add'}
          disabled={submitting}
        />
      </form>
    </Dialog>
  );
};
