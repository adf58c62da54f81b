import { useApi } from '@backstage/core-plugin-api';
import {
  Dialog,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControlLabel,
  Radio,
  RadioGroup,
  TextField,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  PageRecord,
  pageRequestSchema,
} from '@multivac/plugin-multivac-common';
import { FormEvent, useEffect, useState } from 'react';
import { multivacApiRef } from '../../api/MultivacApi';
import { useValidatedSubmit } from '../../hooks/useValidatedSubmit';
import { FormDialogActions } from '../FormDialogActions';

export interface PageOnCallDialogProps {
  /** The entity whose on-call is paged, or what a page to `person` is about. */
  entityRef: string;
  /** Who will be paged, e.g. "Grace Hopper". */
  onCallName?: string;
  /** Page this catalog user directly instead of the escalation chain. */
  person?: { userRef: string; name: string };
  open: boolean;
  onClose: () => void;
  onPaged: (page: PageRecord) => void;
}

/** What the form's mistakes call its fields. */
const FIELD_LABELS = { summary: 'What is wrong', urgency: 'Urgency' };

/**
 * Asks why, and how urgently, then pages whoever is on call, or one person.
 */
export const PageOnCallDialog = (props: PageOnCallDialogProps) => {
  const { entityRef, onCallName, person, open, onClose, onPaged } = props;
  const api = useApi(multivacApiRef);
  const [summary, setSummary] = useState('');
  const [urgency, setUrgency] = useState<'high' | 'low'>('high');
  const { submit, submitting, error, setError } = useValidatedSubmit(
    pageRequestSchema,
    body => api.createPage(body),
    onPaged,
    FIELD_LABELS,
  );

  useEffect(() => {
    if (open) {
      setSummary('');
      setUrgency('high');
      setError(undefined);
    }
  }, [open, setError]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({ entityRef, userRef: person?.userRef, summary, urgency });
  };

  let explanation = 'Whoever is on call will be paged now.';
  if (person) {
    explanation = `${person.name} will be paged now, directly: no escalation if they do not acknowledge.`;
  } else if (onCallName) {
    explanation = `${onCallName} will be paged now; if nobody acknowledges in time, the next escalation level is paged.`;
  }

  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle>
          {person ? `Page ${person.name}` : 'Page on-call'}
        </DialogTitle>
        <DialogContent>
          <DialogContentText>{explanation}</DialogContentText>
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
          <TextField
            id="multivac-page-summary"
            label="What is wrong?"
            value={summary}
            onChange={e => setSummary(e.target.value)}
            fullWidth
            required
            multiline
            minRows={2}
            variant="outlined"
            margin="dense"
          />
          <RadioGroup
            row
            value={urgency}
            onChange={e => setUrgency(e.target.value as 'high' | 'low')}
          >
            <FormControlLabel
              value="high"
              control={<Radio size="small" />}
              label="High: phone them now"
            />
            <FormControlLabel
              value="low"
              control={<Radio size="small" />}
              label="Low: can wait for working hours"
            />
          </RadioGroup>
        </DialogContent>
        <FormDialogActions
          onCancel={onClose}
          submitLabel="Page"
          disabled={submitting}
          color="secondary"
        />
      </form>
    </Dialog>
  );
};
