import {
  Dialog,
  DialogContent,
  DialogTitle,
  FormControl,
  InputLabel,
  MenuItem,
  Select,
  TextField,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  describeZodError,
  Incident,
  SEVERITIES,
  Severity,
  SEVERITY_DESCRIPTIONS,
  UpdateIncidentRequest,
  updateIncidentSchema,
} from '@multivac/plugin-multivac-common';
import { FormEvent, useEffect, useState } from 'react';
import { FormDialogActions } from '../FormDialogActions';

export interface EditIncidentDialogProps {
  incident: Incident;
  open: boolean;
  onClose: () => void;
  onSave: (changes: UpdateIncidentRequest) => Promise<void>;
}

const TEXT_FIELDS = [
  { key: 'title', label: 'Title', rows: 1 },
  { key: 'description', label: 'Description', rows: 3 },
  { key: 'summary', label: 'Summary (current understanding)', rows: 3 },
  { key: 'impact', label: 'Impact (who is affected, how badly)', rows: 2 },
] as const;

/** What the form's mistakes call its fields. */
const FIELD_LABELS: Record<string, string> = Object.fromEntries([
  ...TEXT_FIELDS.map(field => [field.key, field.label]),
  ['severity', 'Severity'],
]);

/** Edits title, severity, description, summary and impact; sends only what changed. */
export const EditIncidentDialog = ({
  incident,
  open,
  onClose,
  onSave,
}: EditIncidentDialogProps) => {
  const [values, setValues] = useState({
    title: incident.title,
    description: incident.description,
    summary: incident.summary,
    impact: incident.impact,
    severity: incident.severity as Severity,
  });
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (open) {
      setValues({
        title: incident.title,
        description: incident.description,
        summary: incident.summary,
        impact: incident.impact,
        severity: incident.severity,
      });
      setError(undefined);
    }
  }, [open, incident]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const changes = Object.fromEntries(
      Object.entries(values).filter(
        ([key, value]) => value !== incident[key as keyof typeof values],
      ),
    );
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    const parsed = updateIncidentSchema.safeParse(changes);
    if (!parsed.success) {
      setError(describeZodError(parsed.error, FIELD_LABELS));
      return;
    }
    try {
      await onSave(parsed.data);
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <form onSubmit={submit} noValidate>
        <DialogTitle>Edit {incident.reference}</DialogTitle>
        <DialogContent>
          {error && <Alert severity="error">{error}</Alert>}
          <FormControl fullWidth variant="outlined" margin="dense">
            <InputLabel id="multivac-edit-severity">Severity</InputLabel>
            <Select
              labelId="multivac-edit-severity"
              label="Severity"
              value={values.severity}
              onChange={e =>
                setValues({ ...values, severity: e.target.value as Severity })
              }
            >
              {SEVERITIES.map(level => (
                <MenuItem key={level} value={level}>
                  {level}: {SEVERITY_DESCRIPTIONS[level]}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          {TEXT_FIELDS.map(field => (
            <TextField
              key={field.key}
              id={`multivac-edit-${field.key}`}
              label={field.label}
              value={values[field.key]}
              onChange={e =>
                setValues({ ...values, [field.key]: e.target.value })
              }
              fullWidth
              multiline={field.rows > 1}
              minRows={field.rows}
              variant="outlined"
              margin="dense"
            />
          ))}
        </DialogContent>
        <FormDialogActions onCancel={onClose} submitLabel="Save" />
      </form>
    </Dialog>
  );
};
