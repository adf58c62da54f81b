import {
  Content,
  ContentHeader,
  Header,
  Page,
  ResponseErrorPanel,
  SupportButton,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { Grid, InputAdornment, TextField, Typography } from '@material-ui/core';
import SearchIcon from '@material-ui/icons/Search';
import {
  INCIDENT_STATES,
  IncidentStatus,
  liveChannels,
  Severity,
} from '@multivac/plugin-multivac-common';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { multivacApiRef } from '../../api/MultivacApi';
import { useLiveVersion } from '../../hooks/useLiveRefresh';
import { useUrlFilters } from '../../hooks/useUrlFilters';
import { DeclareIncidentButton } from '../DeclareIncidentButton';
import { EntityRefPicker } from '../EntityRefPicker';
import { ALL, FilterSelect, SEVERITY_FILTER_OPTIONS } from '../FilterSelect';
import { IncidentsTable } from '../IncidentsTable';

const PAGE_SIZE = 20;

/** The longest search the server takes. */
const MAX_SEARCH_LENGTH = 200;

const DEFAULTS = { q: '', status: 'active', severity: ALL, entityRef: '' };
const ALLOWED = {
  status: ['active', ALL, ...INCIDENT_STATES],
  severity: SEVERITY_FILTER_OPTIONS.map(option => option.value),
};

/**
 * `/multivac/incidents`: every incident, filtered, searched and paged; the
 * filters live in the URL (`?q=&status=&severity=&entityRef=a,b&page=`) so a
 * filtered view can be shared.
 */
export const IncidentsListPage = () => {
  const api = useApi(multivacApiRef);
  const organization =
    useApi(configApiRef).getOptionalString('organization.name') ??
    'your organization';
  const { filters, page, setFilter, setPage, query } = useUrlFilters(
    DEFAULTS,
    ALLOWED,
  );
  const { status, severity } = filters;
  const entityRefs = filters.entityRef ? filters.entityRef.split(',') : [];

  // What is typed reaches the URL (and the server) once typing pauses.
  const [search, setSearch] = useState(filters.q);
  // A link followed or Back: the box shows the URL's search.
  useEffect(
    () =>
      setSearch(current =>
        current.trim() === filters.q ? current : filters.q,
      ),
    [filters.q],
  );
  useDebounce(
    () => {
      if (search.trim() !== filters.q) {
        setFilter('q', search.trim());
      }
    },
    300,
    [search],
  );

  const live = useLiveVersion(liveChannels.incidents);
  const { value, loading, error } = useAsync(
    () =>
      api.listIncidents({
        q: filters.q || undefined,
        status:
          status === ALL ? undefined : (status as IncidentStatus | 'active'),
        severity: severity === ALL ? undefined : (severity as Severity),
        entityRef: entityRefs.length ? entityRefs : undefined,
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      }),
    [api, query, live],
  );

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
            Every incident, newest first. Search titles and summaries, filter by
            state, severity or service; the address keeps the filters, to share
            the view.
          </SupportButton>
        </ContentHeader>
        <Grid container spacing={2} alignItems="center">
          <Grid item xs={12}>
            <TextField
              id="multivac-incident-search"
              label="Search titles and summaries"
              type="search"
              value={search}
              onChange={e => setSearch(e.target.value)}
              fullWidth
              variant="outlined"
              margin="dense"
              inputProps={{ maxLength: MAX_SEARCH_LENGTH }}
              InputProps={{
                startAdornment: (
                  <InputAdornment position="start">
                    <SearchIcon />
                  </InputAdornment>
                ),
              }}
            />
          </Grid>
          <Grid item xs={12} sm={3}>
            <FilterSelect
              id="multivac-filter-status"
              label="Status"
              value={status}
              onChange={next => setFilter('status', next)}
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
              onChange={next => setFilter('severity', next)}
              options={SEVERITY_FILTER_OPTIONS}
            />
          </Grid>
          <Grid item xs={12} sm={6}>
            <EntityRefPicker
              label="Service, system or team"
              kinds={['Component', 'System', 'Group', 'Resource', 'API']}
              value={entityRefs}
              onChange={refs => setFilter('entityRef', refs.join(','))}
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
                    {filters.q
                      ? `No incidents with “${filters.q}” in their title or summary match these filters.`
                      : 'No incidents match these filters.'}
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
