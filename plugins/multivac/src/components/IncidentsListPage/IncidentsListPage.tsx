import {
  Content,
  ContentHeader,
  Header,
  Page,
  ResponseErrorPanel,
  SupportButton,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { Grid, Typography } from '@material-ui/core';
import {
  INCIDENT_STATES,
  IncidentStatus,
  Severity,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { DeclareIncidentButton } from '../DeclareIncidentButton';
import { EntityRefPicker } from '../EntityRefPicker';
import { ALL, FilterSelect, SEVERITY_FILTER_OPTIONS } from '../FilterSelect';
import { IncidentsTable } from '../IncidentsTable';

const PAGE_SIZE = 20;

/** `/multivac/incidents`: every incident, filtered and paged. */
export const IncidentsListPage = () => {
  const api = useApi(multivacApiRef);
  const organization =
    useApi(configApiRef).getOptionalString('organization.name') ??
    'your organization';
  const [status, setStatus] = useState<string>('active');
  const [severity, setSeverity] = useState<string>(ALL);
  const [entityRefs, setEntityRefs] = useState<string[]>([]);
  const [page, setPage] = useState(0);

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

  /** A filter change starts again on the first page. */
  const filter = (setter: (v: string) => void) => (next: string) => {
    setter(next);
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
          <DeclareIncidentButton />
          <SupportButton>
            Every incident, newest first. Filter by state, severity or service.
          </SupportButton>
        </ContentHeader>
        <Grid container spacing={2} alignItems="center">
          <Grid item xs={12} sm={3}>
            <FilterSelect
              id="multivac-filter-status"
              label="Status"
              value={status}
              onChange={filter(setStatus)}
              options={[
                { value: 'active', label: 'Active' },
                { value: ALL, label: 'All' },
                ...INCIDENT_STATES.map(state => ({
                  value: state,
                  label: state,
                })),
              ]}
            />
          </Grid>
          <Grid item xs={12} sm={3}>
            <FilterSelect
              id="multivac-filter-severity"
              label="Severity"
              value={severity}
              onChange={filter(setSeverity)}
              options={SEVERITY_FILTER_OPTIONS}
            />
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
      </Content>
    </Page>
  );
};
