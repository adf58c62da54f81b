import { useApi } from '@backstage/core-plugin-api';
import {
  Button,
  Dialog,
  DialogActions,
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

export interface PageOnCallDialogProps {
  entityRef: string;
  /** Who will be paged, e.g. "Grace Hopper". */
  onCallName?: string;
  open: boolean;
  onClose: () => void;
  onPaged: (page: PageRecord) => void;
}

/** Asks why, and how urgently, then pages whoever is on call. */
export const PageOnCallDialog = (props: PageOnCallDialogProps) => {
  const { entityRef, onCallName, open, onClose, onPaged } = props;
  const api = useApi(multivacApiRef);
  const [summary, setSummary] = useState('');
  const [urgency, setUrgency] = useState<'high' | 'low'>('high');
  const { submit, submitting, error, setError } = useValidatedSubmit(
    pageRequestSchema,
    body => api.createPage(body),
    onPaged,
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
    submit({ entityRef, summary, urgency });
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle>Page on-call</DialogTitle>
        <DialogContent>
          <DialogContentText>
            {onCallName
              ? `${onCallName} will be paged now; if nobody acknowledges in time, the next escalation level is paged.`
              : 'Whoever is on call will be paged now.'}
          </DialogContentText>
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
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            color="secondary"
            variant="contained"
            disabled={submitting}
          >
            Page
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
};
