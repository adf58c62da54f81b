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
  AlertIntegrationInfo,
  AlertIntegrationSecret,
  rotateAlertIntegrationSecretRequestSchema,
} from '@multivac/plugin-multivac-common';
import { FormEvent, useCallback, useEffect, useState } from 'react';
import { multivacApiRef } from '../../api/MultivacApi';
import { useValidatedSubmit } from '../../hooks/useValidatedSubmit';
import { FormDialogActions } from '../FormDialogActions';

const FIELD_LABELS = { graceMinutes: 'Grace period' };

export interface RotateSecretDialogProps {
  integration?: AlertIntegrationInfo;
  onClose: () => void;
  onRotated: (rotated: AlertIntegrationSecret) => void;
}

/**
 * A new secret for the integration; the old one stays valid for a grace
 * period so the sender can be switched over without losing deliveries.
 */
export const RotateSecretDialog = (props: RotateSecretDialogProps) => {
  const { integration, onClose, onRotated } = props;
  const api = useApi(multivacApiRef);
  const [grace, setGrace] = useState('60');
  const id = integration?.id ?? '';
  const send = useCallback(
    (body: { graceMinutes: number }) =>
      api.rotateAlertIntegrationSecret(id, body),
    [api, id],
  );
  const { submit, submitting, error, setError } = useValidatedSubmit(
    rotateAlertIntegrationSecretRequestSchema,
    send,
    onRotated,
    FIELD_LABELS,
  );

  useEffect(() => {
    if (integration) {
      setGrace('60');
      setError(undefined);
    }
  }, [integration, setError]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({ graceMinutes: grace === '' ? undefined : Number(grace) });
  };

  return (
    <Dialog
      open={Boolean(integration)}
      onClose={onClose}
      maxWidth="sm"
      fullWidth
    >
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle>Rotate the secret of {integration?.name}</DialogTitle>
        <DialogContent>
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
          <DialogContentText>
            A new secret is made and shown once. The current one keeps working
            for the grace period, long enough to put the new one into the
            sender; after it, only the new one is accepted.
          </DialogContentText>
          <TextField
            id="multivac-rotate-grace"
            label="Grace period (minutes)"
            helperText="0 stops the current secret at once; at most 10080 (7 days)"
            type="number"
            value={grace}
            onChange={e => setGrace(e.target.value)}
            fullWidth
            variant="outlined"
            margin="dense"
            inputProps={{ min: 0, max: 10_080 }}
          />
        </DialogContent>
        <FormDialogActions
          onCancel={onClose}
          submitLabel="Rotate"
          disabled={submitting}
        />
      </form>
    </Dialog>
  );
};
