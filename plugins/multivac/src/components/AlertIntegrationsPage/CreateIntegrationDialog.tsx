import { useApi } from '@backstage/core-plugin-api';
import {
  Dialog,
  DialogContent,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  ALERT_VENDORS,
  AlertIntegrationSecret,
  createAlertIntegrationRequestSchema,
} from '@multivac/plugin-multivac-common';
import { FormEvent, useEffect, useState } from 'react';
import { multivacApiRef } from '../../api/MultivacApi';
import { useValidatedSubmit } from '../../hooks/useValidatedSubmit';
import { EntityRefPicker } from '../EntityRefPicker';
import { FilterSelect } from '../FilterSelect';
import { FormDialogActions } from '../FormDialogActions';

export const VENDOR_LABELS: Record<(typeof ALERT_VENDORS)[number], string> = {
  alertmanager: 'Prometheus Alertmanager',
  grafana: 'Grafana Alerting',
  datadog: 'Datadog',
  sumologic: 'Sumo Logic',
  zendesk: 'Zendesk (tickets become reports)',
  generic: 'Generic JSON',
};

/** What the form's mistakes call its fields. */
const FIELD_LABELS = {
  id: 'Id',
  name: 'Name',
  vendor: 'Sender',
  defaultEntityRef: 'Default route',
  groupWindowMinutes: 'Grouping window',
};

export interface CreateIntegrationDialogProps {
  open: boolean;
  onClose: () => void;
  onCreated: (created: AlertIntegrationSecret) => void;
}

/** Name, sender, default route and grouping window of a new integration. */
export const CreateIntegrationDialog = (
  props: CreateIntegrationDialogProps,
) => {
  const { open, onClose, onCreated } = props;
  const api = useApi(multivacApiRef);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [vendor, setVendor] = useState<string>('alertmanager');
  const [defaultEntityRef, setDefaultEntityRef] = useState<string[]>([]);
  const [window, setWindow] = useState('');
  const { submit, submitting, error, setError } = useValidatedSubmit(
    createAlertIntegrationRequestSchema,
    body => api.createAlertIntegration(body),
    onCreated,
    FIELD_LABELS,
  );

  useEffect(() => {
    if (open) {
      setId('');
      setName('');
      setVendor('alertmanager');
      setDefaultEntityRef([]);
      setWindow('');
      setError(undefined);
    }
  }, [open, setError]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({
      id,
      name,
      vendor: vendor as (typeof ALERT_VENDORS)[number],
      defaultEntityRef: defaultEntityRef[0],
      groupWindowMinutes: window === '' ? undefined : Number(window),
    });
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle>New integration</DialogTitle>
        <DialogContent>
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
          <TextField
            id="multivac-integration-name"
            label="Name"
            helperText="e.g. Payments Prometheus"
            value={name}
            onChange={e => setName(e.target.value)}
            required
            fullWidth
            variant="outlined"
            margin="dense"
            inputProps={{ maxLength: 200 }}
          />
          <TextField
            id="multivac-integration-id"
            label="Id"
            helperText="The last part of its delivery URL: letters, digits, - and _"
            value={id}
            onChange={e => setId(e.target.value)}
            required
            fullWidth
            variant="outlined"
            margin="dense"
            inputProps={{ maxLength: 100 }}
          />
          <FilterSelect
            id="multivac-integration-vendor"
            label="Sender"
            value={vendor}
            onChange={setVendor}
            options={ALERT_VENDORS.map(v => ({
              value: v,
              label: VENDOR_LABELS[v],
            }))}
          />
          <EntityRefPicker
            id="multivac-integration-default-route"
            label="Default route"
            helperText="Where alerts go that name no service and match no rule"
            kinds={['Component', 'System', 'Group', 'Resource', 'API']}
            value={defaultEntityRef}
            onChange={setDefaultEntityRef}
          />
          <TextField
            id="multivac-integration-window"
            label="Grouping window (minutes)"
            helperText="Alerts on one entity within it form one group that pages once (default 10)"
            type="number"
            value={window}
            onChange={e => setWindow(e.target.value)}
            fullWidth
            variant="outlined"
            margin="dense"
            inputProps={{ min: 1, max: 1440 }}
          />
        </DialogContent>
        <FormDialogActions
          onCancel={onClose}
          submitLabel="Create"
          disabled={submitting}
        />
      </form>
    </Dialog>
  );
};
