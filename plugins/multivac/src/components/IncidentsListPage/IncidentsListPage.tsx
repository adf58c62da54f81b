import {
  Content,
  ContentHeader,
  Header,
  Page,
  ResponseErrorPanel,
  SupportButton,
} from '@backstage/core-components';
import { configApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Button,
  FormControl,
  Grid,
  InputLabel,
  MenuItem,
  Select,
  Typography,
} from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import {
  incidentCreatePermission,
  INCIDENT_STATES,
  IncidentStatus,
  SEVERITIES,
  Severity,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { incidentRouteRef } from '../../routes';
import { DeclareIncidentDialog } from '../DeclareIncidentDialog';
import { EntityRefPicker } from '../EntityRefPicker';
import { IncidentsTable } from '../IncidentsTable';

const PAGE_SIZE = 20;
const ALL = 'all';

/** `/multivac/incidents`: every incident, filtered and paged. */
export const IncidentsListPage = () => {
  const api = useApi(multivacApiRef);
  const organization =
    useApi(configApiRef).getOptionalString('organization.name') ??
    'your organization';
  const navigate = useNavigate();
  const incidentRoute = useRouteRef(incidentRouteRef);
  const { allowed: canDeclare } = usePermission({
    permission: incidentCreatePermission,
  });
  const [status, setStatus] = useState<string>('active');
  const [severity, setSeverity] = useState<string>(ALL);
  const [entityRefs, setEntityRefs] = useState<string[]>([]);
  const [page, setPage] = useState(0);
  const [declaring, setDeclaring] = useState(false);

  const { value, loading, error } = useAsync(
    () =>
      api.listIncidents({
        status:
          status === ALL ? undefined : (status as IncidentStatus | 'active'),
        severity: severity === ALL ? undefined : (severity as Severity),
        entityRef: entityRefs.length ? entityRefs : undefined,
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      }),
    [api, status, severity, entityRefs.join(','), page],
  );

  const filter =
    (setter: (v: string) => void) =>
    (e: React.ChangeEvent<{ value: unknown }>) => {
      setter(String(e.target.value));
      setPage(0);
    };

  return (
    <Page themeId="tool">
      <Header
        title="Incidents"
        subtitle={`Declare, run and review incidents across ${organization}'s services`}
      />
      <Content>
        <ContentHeader title="">
          <Button
            variant="contained"
            color="primary"
            startIcon={<AddIcon />}
            disabled={!canDeclare}
            onClick={() => setDeclaring(true)}
          >
            Declare incident
          </Button>
          <SupportButton>
            Every incident, newest first. Filter by state, severity or service.
          </SupportButton>
        </ContentHeader>
        <Grid container spacing={2} alignItems="center">
          <Grid item xs={12} sm={3}>
            <FormControl fullWidth variant="outlined" margin="dense">
              <InputLabel id="multivac-filter-status">Status</InputLabel>
              <Select
                labelId="multivac-filter-status"
                label="Status"
                value={status}
                onChange={filter(setStatus)}
              >
                <MenuItem value="active">Active</MenuItem>
                <MenuItem value={ALL}>All</MenuItem>
                {INCIDENT_STATES.map(s => (
                  <MenuItem key={s} value={s}>
                    {s}
                  </MenuItem>
                ))}
              </Select>
            </FormControl>
          </Grid>
          <Grid item xs={12} sm={3}>
            <FormControl fullWidth variant="outlined" margin="dense">
              <InputLabel id="multivac-filter-severity">Severity</InputLabel>
              <Select
                labelId="multivac-filter-severity"
                label="Severity"
                value={severity}
                onChange={filter(setSeverity)}
              >
                <MenuItem value={ALL}>All</MenuItem>
                {SEVERITIES.map(s => (
                  <MenuItem key={s} value={s}>
                    {s}
                  </MenuItem>
                ))}
              </Select>
            </FormControl>
          </Grid>
          <Grid item xs={12} sm={6}>
            <EntityRefPicker
              label="Service, system or team"
              kinds={['Component', 'System', 'Group', 'Resource', 'API']}
              value={entityRefs}
              onChange={refs => {
                setEntityRefs(refs);
                setPage(0);
              }}
              multiple
            />
          </Grid>
          <Grid item xs={12}>
            {error ? (
              <ResponseErrorPanel error={error} />
            ) : (
              <IncidentsTable
                title={value ? `Incidents (${value.totalCount})` : 'Incidents'}
                incidents={value?.items ?? []}
                isLoading={loading}
                pagination={{
                  page,
                  pageSize: PAGE_SIZE,
                  totalCount: value?.totalCount ?? 0,
                  onPageChange: setPage,
                }}
                emptyContent={
                  <Typography style={{ padding: 16 }}>
                    No incidents match these filters.
                  </Typography>
                }
              />
            )}
          </Grid>
        </Grid>
        <DeclareIncidentDialog
          open={declaring}
          onClose={() => setDeclaring(false)}
          onDeclared={incident =>
            navigate(incidentRoute({ id: incident.reference }))
          }
        />
      </Content>
    </Page>
  );
};
