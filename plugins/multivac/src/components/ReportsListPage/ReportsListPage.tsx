import {
  Content,
  ContentHeader,
  Header,
  Link,
  LinkButton,
  Page,
  ResponseErrorPanel,
  SupportButton,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Grid, Typography } from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import { TriageReport } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { useUrlFilters } from '../../hooks/useUrlFilters';
import {
  incidentRouteRef,
  reportDetailsRouteRef,
  reportRouteRef,
} from '../../routes';
import { FilterSelect } from '../FilterSelect';
import { ReportStatusChip, SeverityChip } from '../IncidentChips';
import { ServerPagination } from '../ServerPagination';

const PAGE_SIZE = 20;

const DEFAULTS = { state: 'all', reportedBy: 'anyone' };
const ALLOWED = {
  state: ['open', 'handled', 'all'],
  reportedBy: ['anyone', 'me'],
} as const;

/**
 * `/multivac/reports`: triage reports, newest first, in every state unless
 * filtered (a report that became an incident at once still shows);
 * `?reportedBy=me` lists the caller's own. The filters live in the URL.
 */
export const ReportsListPage = () => {
  const api = useApi(multivacApiRef);
  const reportRoute = useRouteRef(reportRouteRef);
  const reportDetailsRoute = useRouteRef(reportDetailsRouteRef);
  const incidentRoute = useRouteRef(incidentRouteRef);
  const { filters, page, setFilter, setPage, query } = useUrlFilters(
    DEFAULTS,
    ALLOWED,
  );
  const { state, reportedBy } = filters;

  const { value, loading, error } = useAsync(
    () =>
      api.listReports({
        state: state === 'all' ? undefined : (state as 'open' | 'handled'),
        ...(reportedBy === 'me' ? { mine: 'true' as const } : {}),
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      }),
    [api, query],
  );

  const columns: TableColumn<TriageReport>[] = [
    {
      title: 'Report',
      field: 'reference',
      width: '90px',
      render: report => (
        <Link to={reportDetailsRoute({ id: report.reference })}>
          {report.reference}
        </Link>
      ),
    },
    { title: 'Title', field: 'title' },
    {
      title: 'Affected',
      render: report => (
        <EntityRefLink entityRef={report.entityRef} defaultKind="component" />
      ),
    },
    {
      title: 'Severity',
      field: 'severity',
      width: '90px',
      render: report => <SeverityChip severity={report.severity} />,
    },
    {
      title: 'Status',
      field: 'status',
      width: '120px',
      render: report => <ReportStatusChip status={report.status} />,
    },
    {
      title: 'Incident',
      width: '110px',
      render: report =>
        report.incidentReference ? (
          <Link to={incidentRoute({ id: report.incidentReference })}>
            {report.incidentReference}
          </Link>
        ) : (
          '—'
        ),
    },
    {
      title: 'Reported by',
      render: report => (
        <EntityRefLink entityRef={report.reportedBy} defaultKind="user" />
      ),
    },
    {
      title: 'Reported',
      render: report => DateTime.fromISO(report.createdAt).toRelative(),
    },
  ];

  return (
    <Page themeId="tool">
      <Header
        title="Triage reports"
        subtitle="Problems people noticed, and whether they became incidents"
      />
      <Content>
        <ContentHeader title="">
          <LinkButton
            to={reportRoute()}
            variant="contained"
            color="secondary"
            startIcon={<AddIcon />}
          >
            Report a problem
          </LinkButton>
          <SupportButton>
            Open reports wait for the on-call person; handled ones became
            incidents.
          </SupportButton>
        </ContentHeader>
        <Grid container spacing={2}>
          <Grid item xs={12} sm={3}>
            <FilterSelect
              id="multivac-filter-report-state"
              label="State"
              value={state}
              onChange={next => setFilter('state', next)}
              options={[
                { value: 'all', label: 'All' },
                { value: 'open', label: 'Open' },
                { value: 'handled', label: 'Handled (incident started)' },
              ]}
            />
          </Grid>
          <Grid item xs={12} sm={3}>
            <FilterSelect
              id="multivac-filter-report-by"
              label="Reported by"
              value={reportedBy}
              onChange={next => setFilter('reportedBy', next)}
              options={[
                { value: 'anyone', label: 'Anyone' },
                { value: 'me', label: 'Me' },
              ]}
            />
          </Grid>
          <Grid item xs={12}>
            {error ? (
              <ResponseErrorPanel error={error} />
            ) : (
              <>
                <Table<TriageReport>
                  title={value ? `Reports (${value.totalCount})` : 'Reports'}
                  columns={columns}
                  data={value?.items ?? []}
                  isLoading={loading}
                  emptyContent={
                    <Typography style={{ padding: 16 }}>
                      {reportedBy === 'me'
                        ? 'You have sent no reports in this state.'
                        : 'No reports in this state.'}
                    </Typography>
                  }
                  options={{ paging: false, search: false, padding: 'dense' }}
                />
                <ServerPagination
                  page={page}
                  pageSize={PAGE_SIZE}
                  totalCount={value?.totalCount ?? 0}
                  onPageChange={setPage}
                />
              </>
            )}
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
};
