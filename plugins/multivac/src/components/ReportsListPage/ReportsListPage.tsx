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
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { reportDetailsRouteRef, reportRouteRef } from '../../routes';
import { FilterSelect } from '../FilterSelect';
import { ReportStatusChip, SeverityChip } from '../IncidentChips';
import { ServerPagination } from '../ServerPagination';

const PAGE_SIZE = 20;

type StateFilter = 'open' | 'handled' | 'all';

/** `/multivac/reports`: triage reports, newest first, open ones by default. */
export const ReportsListPage = () => {
  const api = useApi(multivacApiRef);
  const reportRoute = useRouteRef(reportRouteRef);
  const reportDetailsRoute = useRouteRef(reportDetailsRouteRef);
  const [state, setState] = useState<StateFilter>('open');
  const [page, setPage] = useState(0);

  const { value, loading, error } = useAsync(
    () =>
      api.listReports({
        state: state === 'all' ? undefined : state,
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      }),
    [api, state, page],
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
              onChange={next => {
                setState(next as StateFilter);
                setPage(0);
              }}
              options={[
                { value: 'open', label: 'Open' },
                { value: 'handled', label: 'Handled (incident started)' },
                { value: 'all', label: 'All' },
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
                      No reports in this state.
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
