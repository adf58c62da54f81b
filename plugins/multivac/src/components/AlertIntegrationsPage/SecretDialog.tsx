import { CopyTextButton } from '@backstage/core-components';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  AlertIntegrationSecret,
  AlertVendor,
} from '@multivac/plugin-multivac-common';

/** How each vendor sends the secret with its deliveries. */
const HOW_TO_SEND: Record<AlertVendor, string> = {
  alertmanager:
    "In the webhook receiver's http_config: authorization with type Bearer and this secret as credentials (or basic auth with it as the password).",
  grafana:
    'In the webhook contact point: Authorization header "Bearer <secret>", basic auth with it as the password, or the HMAC signature option with this secret.',
  datadog:
    'In the webhook\'s custom headers: {"X-Multivac-Secret": "<secret>"}.',
  sumologic:
    "In the webhook connection's custom headers: X-Multivac-Secret with this secret.",
  zendesk: "In the webhook's authentication: Bearer token with this secret.",
  generic: 'With every request: Authorization: Bearer <secret>.',
};

export interface SecretDialogProps {
  /** The answer to creating an integration or rotating its secret. */
  created?: AlertIntegrationSecret;
  /** E.g. "Integration created" or "Secret rotated". */
  title: string;
  onClose: () => void;
}

/**
 * Shows an integration's new secret the one time it exists in clear text:
 * with a copy button, the delivery URL and how the vendor sends it.
 */
export const SecretDialog = ({
  created,
  title,
  onClose,
}: SecretDialogProps) => (
  <Dialog
    open={Boolean(created)}
    maxWidth="md"
    fullWidth
    aria-labelledby="multivac-secret-dialog-title"
  >
    <DialogTitle id="multivac-secret-dialog-title">{title}</DialogTitle>
    {created && (
      <DialogContent>
        <Alert severity="warning" role="alert">
          Copy the secret now: it is shown only this once. Multivac keeps only a
          hash of it, so nobody can show it again; if it is lost, rotate it.
        </Alert>
        <Box display="flex" alignItems="center" mt={2}>
          <TextField
            id="multivac-integration-secret"
            label="Secret"
            value={created.secret}
            fullWidth
            variant="outlined"
            InputProps={{
              readOnly: true,
              style: { fontFamily: 'monospace' },
            }}
          />
          <CopyTextButton
            text={created.secret}
            tooltipText="Secret copied"
            aria-label="Copy secret"
          />
        </Box>
        <Box display="flex" alignItems="center" mt={2}>
          <TextField
            label="Delivery URL"
            value={created.integration.url}
            fullWidth
            variant="outlined"
            margin="dense"
            InputProps={{ readOnly: true }}
          />
          <CopyTextButton
            text={created.integration.url}
            tooltipText="URL copied"
            aria-label="Copy delivery URL"
          />
        </Box>
        <Typography variant="body2" style={{ marginTop: 16 }}>
          {HOW_TO_SEND[created.integration.vendor]}
        </Typography>
      </DialogContent>
    )}
    <DialogActions>
      <Button color="primary" variant="contained" onClick={onClose}>
        I have copied it
      </Button>
    </DialogActions>
  </Dialog>
);
