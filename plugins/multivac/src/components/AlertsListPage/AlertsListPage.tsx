import {
  Content,
  ContentHeader,
  Header,
  LinkButton,
  Page,
  ResponseErrorPanel,
  SupportButton,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Grid, Typography } from '@material-ui/core';
import SettingsIcon from '@material-ui/icons/Settings';
import {
  AlertStatus,
  AlertUrgency,
  integrationManagePermission,
} from '@multivac/plugin-multivac-common';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { alertIntegrationsRouteRef } from '../../routes';
import { AlertsTable } from '../AlertsTable';
import { EntityRefPicker } from '../EntityRefPicker';
import { ALL, FilterSelect } from '../FilterSelect';

const PAGE_SIZE = 25;

/** The filters as they stand in the query string (shareable links). */
function readFilters(params: URLSearchParams) {
  const page = Number(params.get('page') ?? 0);
  return {
    // firing unless the link says otherwise
    status: params.get('status') ?? 'firing',
    urgency: params.get('urgency') ?? ALL,
    integration: params.get('integration') ?? ALL,
    entityRef: params.get('entityRef') ?? '',
    page: Number.isInteger(page) && page > 0 ? page : 0,
  };
}

type Filters = ReturnType<typeof readFilters>;

/**
 * `/multivac/alerts`: alerts from monitoring, newest change first, filtered
 * by status, urgency, integration and service or team; the filters live in
 * the URL so a filtered view can be shared.
 */
export const AlertsListPage = () => {
  const api = useApi(multivacApiRef);
  const integrationsRoute = useRouteRef(alertIntegrationsRouteRef);
  const { allowed: canManage } = usePermission({
    permission: integrationManagePermission,
  });
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);

  /** Writes one filter into the URL; a filter change starts on page one. */
  const setFilter = (key: keyof Filters, value: string | number) => {
    const next = { ...filters, page: 0, [key]: value };
    const query = new URLSearchParams();
    if (next.status !== 'firing') query.set('status', next.status);
    if (next.urgency !== ALL) query.set('urgency', next.urgency);
    if (next.integration !== ALL) query.set('integration', next.integration);
    if (next.entityRef) query.set('entityRef', next.entityRef);
    if (next.page > 0) query.set('page', String(next.page));
    setParams(query, { replace: true });
  };

  const { value, loading, error } = useAsync(
    () =>
      api.listAlerts({
        status:
          filters.status === ALL ? undefined : (filters.status as AlertStatus),
        urgency:
          filters.urgency === ALL
            ? undefined
            : (filters.urgency as AlertUrgency),
        integration:
          filters.integration === ALL ? undefined : filters.integration,
        entityRef: filters.entityRef || undefined,
        limit: PAGE_SIZE,
        offset: filters.page * PAGE_SIZE,
      }),
    [api, params.toString()],
  );
  // Listing integrations is for admins; others pick from what the link says.
  const integrations = useAsync(
    async () =>
      canManage ? (await api.listAlertIntegrations()).map(i => i.id) : [],
    [api, canManage],
  );
  const integrationIds = new Set(integrations.value ?? []);
  if (filters.integration !== ALL) {
    integrationIds.add(filters.integration);
  }

  return (
    <Page themeId="tool">
      <Header
        title="Alerts"
        subtitle="What monitoring says, routed to the services and teams that own it"
      />
      <Content>
        <ContentHeader title="">
          {canManage && (
            <LinkButton
              to={integrationsRoute()}
              variant="outlined"
              startIcon={<SettingsIcon />}
            >
              Integrations
            </LinkButton>
          )}
          <SupportButton>
            Alerts on one service within an integration's window form a group
            that pages once. Open an alert for its group: acknowledge its page
            or start an incident from it.
          </SupportButton>
        </ContentHeader>
        <Grid container spacing={2} alignItems="center">
          <Grid item xs={12} sm={2}>
            <FilterSelect
              id="multivac-alerts-status"
              label="Status"
              value={filters.status}
              onChange={next => setFilter('status', next)}
              options={[
                { value: 'firing', label: 'Firing' },
                { value: 'resolved', label: 'Resolved' },
                { value: ALL, label: 'All' },
              ]}
            />
          </Grid>
          <Grid item xs={12} sm={2}>
            <FilterSelect
              id="multivac-alerts-urgency"
              label="Urgency"
              value={filters.urgency}
              onChange={next => setFilter('urgency', next)}
              options={[
                { value: ALL, label: 'All' },
                { value: 'high', label: 'High (pages)' },
                { value: 'low', label: 'Low' },
              ]}
            />
          </Grid>
          <Grid item xs={12} sm={3}>
            <FilterSelect
              id="multivac-alerts-integration"
              label="Integration"
              value={filters.integration}
              onChange={next => setFilter('integration', next)}
              options={[
                { value: ALL, label: 'All' },
                ...[...integrationIds].map(id => ({ value: id, label: id })),
              ]}
            />
          </Grid>
          <Grid item xs={12} sm={5}>
            <EntityRefPicker
              id="multivac-alerts-entity"
              label="Service, system or team"
              kinds={['Component', 'System', 'Group', 'Resource', 'API']}
              value={filters.entityRef ? [filters.entityRef] : []}
              onChange={refs => setFilter('entityRef', refs[0] ?? '')}
            />
          </Grid>
          <Grid item xs={12}>
            {error ? (
              <ResponseErrorPanel error={error} />
            ) : (
              <AlertsTable
                title={value ? `Alerts (${value.totalCount})` : 'Alerts'}
                alerts={value?.items ?? []}
                isLoading={loading}
                pagination={{
                  page: filters.page,
                  pageSize: PAGE_SIZE,
                  totalCount: value?.totalCount ?? 0,
                  onPageChange: next => setFilter('page', next),
                }}
                emptyContent={
                  <Typography style={{ padding: 16 }}>
                    No alerts match these filters.
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
