import { InfoCard, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Box, Button, Grid, TextField, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  AlertIntegrationInfo,
  AlertRoutePreview,
} from '@multivac/plugin-multivac-common';
import { useEffect, useState } from 'react';
import { AlertRoutingSample, multivacApiRef } from '../../api/MultivacApi';
import { AlertStatusChip, AlertUrgencyChip } from '../AlertChips';
import { FilterSelect } from '../FilterSelect';

/** How many received deliveries "Preview the last deliveries" reads. */
const LAST_DELIVERIES = 20;

const columns: TableColumn<AlertRoutePreview>[] = [
  { title: 'Alert', field: 'summary' },
  {
    title: 'Status',
    width: '100px',
    render: p => <AlertStatusChip status={p.status} />,
  },
  {
    title: 'Urgency',
    width: '130px',
    render: p => <AlertUrgencyChip urgency={p.urgency} />,
  },
  {
    title: 'Would go to',
    render: p =>
      p.entityRef ? (
        <EntityRefLink entityRef={p.entityRef} defaultKind="component" />
      ) : (
        <Typography variant="body2" color="error">
          nowhere: no candidate is in the catalog
        </Typography>
      ),
  },
  { title: 'Matched', field: 'matched', render: p => p.matched ?? '—' },
  {
    title: 'Candidates, best first',
    render: p =>
      p.candidates.length === 0
        ? '—'
        : p.candidates
            .map(
              c =>
                `${c.entityRef} (${c.matched}${
                  c.inCatalog ? '' : ', not in the catalog'
                })`,
            )
            .join('; '),
  },
];

/**
 * Where each alert of a sample payload (or of the last deliveries) would
 * go and which rule matched: the backend runs the live routing on it and
 * stores nothing.
 */
export const RoutingPreview = ({
  integrations,
}: {
  integrations: AlertIntegrationInfo[];
}) => {
  const api = useApi(multivacApiRef);
  const [integrationId, setIntegrationId] = useState('');
  const [payload, setPayload] = useState('');
  const [previews, setPreviews] = useState<AlertRoutePreview[]>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);

  useEffect(() => {
    if (!integrationId && integrations.length > 0) {
      setIntegrationId(integrations[0].id);
    }
  }, [integrationId, integrations]);

  const run = async (sample: AlertRoutingSample) => {
    setRunning(true);
    setError(undefined);
    try {
      setPreviews(await api.previewAlertRouting(integrationId, sample));
    } catch (err) {
      setPreviews(undefined);
      setError((err as Error).message);
    } finally {
      setRunning(false);
    }
  };

  const previewPayload = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch (err) {
      setError(`The payload is not JSON: ${(err as Error).message}`);
      return;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      setError('The payload must be a JSON object, as the sender posts it');
      return;
    }
    run({ payload: parsed });
  };

  return (
    <InfoCard title="Routing preview">
      <Typography variant="body2" paragraph>
        Paste a payload as the sender posts it to see where each of its alerts
        would go and which rule matched. Nothing is stored or paged.
      </Typography>
      <Grid container spacing={2}>
        <Grid item xs={12} sm={4}>
          <FilterSelect
            id="multivac-preview-integration"
            label="Integration"
            value={integrationId}
            onChange={setIntegrationId}
            options={integrations.map(i => ({
              value: i.id,
              label: `${i.name} (${i.id})`,
            }))}
          />
        </Grid>
        <Grid item xs={12}>
          <TextField
            id="multivac-preview-payload"
            label="Sample payload (JSON)"
            value={payload}
            onChange={e => setPayload(e.target.value)}
            fullWidth
            multiline
            minRows={6}
            maxRows={20}
            variant="outlined"
            inputProps={{ style: { fontFamily: 'monospace' } }}
          />
        </Grid>
        <Grid item xs={12}>
          <Box display="flex" style={{ gap: 8 }}>
            <Button
              variant="contained"
              color="primary"
              disabled={running || !integrationId || !payload.trim()}
              onClick={previewPayload}
            >
              Preview
            </Button>
            <Button
              variant="outlined"
              disabled={running || !integrationId}
              onClick={() => run({ last: LAST_DELIVERIES })}
            >
              Preview the last {LAST_DELIVERIES} deliveries
            </Button>
          </Box>
        </Grid>
        {error && (
          <Grid item xs={12}>
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          </Grid>
        )}
        {previews && (
          <Grid item xs={12}>
            <Table<AlertRoutePreview>
              title={`Where ${previews.length} alert${
                previews.length === 1 ? '' : 's'
              } would go`}
              columns={columns}
              data={previews}
              emptyContent={
                <Typography style={{ padding: 16 }}>
                  No alerts in this sample.
                </Typography>
              }
              options={{ paging: false, search: false, padding: 'dense' }}
            />
          </Grid>
        )}
      </Grid>
    </InfoCard>
  );
};
