import { useApi } from '@backstage/core-plugin-api';
import {
  Dialog,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormLabel,
  Radio,
  RadioGroup,
  TextField,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  declareIncidentSchema,
  Incident,
  SEVERITIES,
  Severity,
  SEVERITY_DESCRIPTIONS,
} from '@multivac/plugin-multivac-common';
import { FormEvent, useEffect, useState } from 'react';
import { multivacApiRef } from '../../api/MultivacApi';
import { useValidatedSubmit } from '../../hooks/useValidatedSubmit';
import { EntityRefPicker } from '../EntityRefPicker';
import { FormDialogActions } from '../FormDialogActions';

export interface DeclareIncidentDialogProps {
  open: boolean;
  onClose: () => void;
  onDeclared: (incident: Incident) => void;
  /** Pre-filled affected entities, e.g. the entity whose page this is. */
  defaultEntityRefs?: string[];
}

/** What the form's mistakes call its fields. */
const FIELD_LABELS = {
  title: 'What is broken',
  severity: 'Severity',
  description: 'Description',
  entityRefs: 'Affected services',
};

export const DeclareIncidentDialog = (props: DeclareIncidentDialogProps) => {
  const { open, onClose, onDeclared, defaultEntityRefs = [] } = props;
  const api = useApi(multivacApiRef);
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<Severity>('SEV3');
  const [description, setDescription] = useState('');
  const [entityRefs, setEntityRefs] = useState<string[]>(defaultEntityRefs);
  const { submit, submitting, error, setError } = useValidatedSubmit(
    declareIncidentSchema,
    body => api.declareIncident(body),
    onDeclared,
    FIELD_LABELS,
  );
  const defaults = defaultEntityRefs.join(',');

  useEffect(() => {
    if (open) {
      setTitle('');
      setSeverity('SEV3');
      setDescription('');
      setEntityRefs(defaults ? defaults.split(',') : []);
      setError(undefined);
    }
  }, [open, defaults, setError]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({
      title,
      severity,
      description: description || undefined,
      entityRefs,
    });
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle>Declare incident</DialogTitle>
        <DialogContent>
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
          <TextField
            id="multivac-declare-title"
            label="What is broken?"
            value={title}
            onChange={e => setTitle(e.target.value)}
            required
            fullWidth
            variant="outlined"
            margin="dense"
            inputProps={{ maxLength: 200 }}
          />
          <FormControl component="fieldset" margin="dense" fullWidth>
            <FormLabel component="legend">Severity</FormLabel>
            <RadioGroup
              value={severity}
              onChange={e => setSeverity(e.target.value as Severity)}
            >
              {SEVERITIES.map(level => (
                <FormControlLabel
                  key={level}
                  value={level}
                  control={<Radio size="small" />}
                  label={
                    <Typography variant="body2">
                      <strong>{level}</strong> {SEVERITY_DESCRIPTIONS[level]}
                    </Typography>
                  }
                />
              ))}
            </RadioGroup>
          </FormControl>
          <EntityRefPicker
            id="multivac-declare-entities"
            label="Affected services"
            kinds={['Component', 'System', 'Resource', 'API']}
            value={entityRefs}
            onChange={setEntityRefs}
            multiple
            required
          />
          <TextField
            id="multivac-declare-description"
            label="Description"
            helperText="What do users see? Since when? Links to dashboards."
            value={description}
            onChange={e => setDescription(e.target.value)}
            fullWidth
            multiline
            minRows={3}
            variant="outlined"
            margin="dense"
          />
        </DialogContent>
        <FormDialogActions
          onCancel={onClose}
          submitLabel="Declare"
          disabled={submitting}
        />
      </form>
    </Dialog>
  );
};
