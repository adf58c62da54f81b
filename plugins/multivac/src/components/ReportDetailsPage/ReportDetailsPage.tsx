import {
  Content,
  Header,
  HeaderLabel,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  IMPACT_SCOPE_LABELS,
  incidentCreatePermission,
  liveChannels,
  TriageReport,
  USERS_AFFECTED_LABELS,
} from '@multivac/plugin-multivac-common';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multivacApiRef } from '../../api/MultivacApi';
import { useLiveRefresh } from '../../hooks/useLiveRefresh';
import { incidentRouteRef, reportsRouteRef } from '../../routes';
import { DetailField } from '../DetailField';
import { ReportStatusChip, SeverityChip } from '../IncidentChips';
import { useDisplayNames } from '../OnCallPerson';
import { formatWhen } from '../OnCallPage/timeline';
import { PageDetails } from './PageDetails';

/** How often the page re-reads a report that is not yet an incident. */
const POLL_INTERVAL_MS = 5000;

function where(report: TriageReport): string {
  const detail = report.region ?? report.customer;
  return `${IMPACT_SCOPE_LABELS[report.scope]}${detail ? `: ${detail}` : ''}`;
}

/** The chosen severity and, when it differs, what the rubric said. */
const ReportSeverity = ({ report }: { report: TriageReport }) => (
  <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
    <SeverityChip severity={report.severity} />
    {report.severity !== report.rubricSeverity && (
      <Typography variant="body2">
        rubric said {report.rubricSeverity}
        {report.severityReason && `; lowered because: ${report.severityReason}`}
      </Typography>
    )}
  </Box>
);

/** What the reporter said, every field of the form. */
const ReporterSaid = ({ report }: { report: TriageReport }) => (
  <InfoCard title="What the reporter said">
    <DetailField label="Affected service">
      <EntityRefLink entityRef={report.entityRef} defaultKind="component" />
    </DetailField>
    <DetailField label="Users affected">
      {USERS_AFFECTED_LABELS[report.usersAffected]}
    </DetailField>
    <DetailField label="Where">{where(report)}</DetailField>
    <DetailField label="Customer-facing">
      {report.customerFacing ? 'Yes' : 'No, internal only'}
    </DetailField>
    <DetailField label="Started">
      {report.startedAt && formatWhen(report.startedAt)}
    </DetailField>
    <DetailField label="Description">{report.description}</DetailField>
    <DetailField label="Links">
      {report.links.length > 0 &&
        report.links.map(link => (
          <Box key={link}>
            <Link to={link}>{link}</Link>
          </Box>
        ))}
    </DetailField>
    <DetailField label="Reported">
      <EntityRefLink entityRef={report.reportedBy} defaultKind="user" /> at{' '}
      {formatWhen(report.createdAt)}
    </DetailField>
  </InfoCard>
);

/**
 * `/multivac/reports/:id`: a triage report, who was paged for it and how to
 * reach them, and the on-call person's answer: acknowledge, start incident.
 */
export const ReportDetailsPage = () => {
  const { id = '' } = useParams();
  const api = useApi(multivacApiRef);
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const incidentRoute = useRouteRef(incidentRouteRef);
  const reportsRoute = useRouteRef(reportsRouteRef);
  const { allowed: canStartIncident } = usePermission({
    permission: incidentCreatePermission,
  });
  const [starting, setStarting] = useState(false);

  const {
    value: report,
    error,
    retry,
  } = useAsyncRetry(() => api.getReport(id), [api, id]);
  useLiveRefresh(report && liveChannels.report(report.id), retry);
  const nameOf = useDisplayNames(report ? [report.reportedBy] : []);
  const incidentReference = report?.incidentReference ?? report?.incidentId;
  const handled = Boolean(incidentReference);

  // Until it is an incident, re-read the report so the reporter sees the
  // acknowledgement (or the escalation) arrive. `retry` changes after each
  // read, so the next one is due 5 s after the last one ended.
  useEffect(() => {
    if (handled) {
      return undefined;
    }
    const timer = setInterval(retry, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [handled, retry]);

  if (!report) {
    return (
      <Page themeId="tool">
        <Header title={id} type="Triage report" />
        <Content>
          {error ? <ResponseErrorPanel error={error} /> : <Progress />}
        </Content>
      </Page>
    );
  }

  const startIncident = async () => {
    setStarting(true);
    try {
      const incident = await api.startIncidentFromReport(report.id);
      navigate(incidentRoute({ id: incident.reference }));
    } catch (err) {
      alertApi.post({ message: (err as Error).message, severity: 'error' });
      setStarting(false);
      retry();
    }
  };
  const pagingIsDegraded =
    report.pages.some(page => page.fallback) || /retrying/i.test(report.paging);

  return (
    <Page themeId="tool">
      <Header
        title={`${report.reference}: ${report.title}`}
        type="Triage report"
        typeLink={reportsRoute()}
      >
        <HeaderLabel label="Severity" value={report.severity} />
        <HeaderLabel label="Status" value={report.status} />
        <HeaderLabel label="Reported by" value={nameOf(report.reportedBy)} />
      </Header>
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <Alert
              severity={pagingIsDegraded ? 'warning' : 'info'}
              role="status"
            >
              <AlertTitle>Paging</AlertTitle>
              {report.paging}
            </Alert>
          </Grid>
          <Grid item xs={12} md={8}>
            <InfoCard title="Who was paged">
              {report.pages.length === 0 ? (
                <Typography variant="body2">No page was sent.</Typography>
              ) : (
                report.pages.map(page => (
                  <PageDetails key={page.id} page={page} onChange={retry} />
                ))
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={4}>
            <InfoCard title="Triage">
              <DetailField label="Severity">
                <ReportSeverity report={report} />
              </DetailField>
              <DetailField label="Status">
                <ReportStatusChip status={report.status} />
              </DetailField>
              {handled ? (
                <Typography variant="body1">
                  Handled as{' '}
                  <Link to={incidentRoute({ id: incidentReference! })}>
                    {incidentReference}
                  </Link>
                </Typography>
              ) : (
                <>
                  <Typography variant="body2" paragraph>
                    Does this need an incident? Start one from this report and
                    go to its page.
                  </Typography>
                  <Button
                    variant="contained"
                    color="primary"
                    disabled={!canStartIncident || starting}
                    onClick={startIncident}
                  >
                    Start incident
                  </Button>
                </>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={8}>
            <ReporterSaid report={report} />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
};
