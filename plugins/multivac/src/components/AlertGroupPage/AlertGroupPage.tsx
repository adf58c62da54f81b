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
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import {
  alertUpdatePermission,
  incidentCreatePermission,
  PageRecord,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multivacApiRef } from '../../api/MultivacApi';
import { useReloadingChange } from '../../hooks/useReloadingChange';
import { alertsRouteRef, incidentRouteRef } from '../../routes';
import { AlertStatusChip, AlertUrgencyChip } from '../AlertChips';
import { formatDateTime } from '../../formatTime';
import { DetailField } from '../DetailField';
import { PageStatusChip } from '../IncidentChips';
import { ActorName } from '../OnCallPerson';
import { AlertDetails } from './AlertDetails';

/** Who the group's page reached and where it stands, when still recent. */
const GroupPage = ({ page }: { page?: PageRecord }) =>
  page ? (
    <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
      <PageStatusChip status={page.status} />
      <span>
        {page.targets.map(t => t.name).join(', ') || 'nobody'}
        {page.acknowledgedBy && (
          <>
            {' · acknowledged by '}
            <ActorName actor={page.acknowledgedBy} />
          </>
        )}
      </span>
    </Box>
  ) : (
    <>Paged</>
  );

/**
 * `/multivac/alerts/groups/:id`: the alerts that arrived together on one
 * entity, the page they sent, and the on-call person's answer: acknowledge,
 * start incident.
 */
export const AlertGroupPage = () => {
  const { id = '' } = useParams();
  const api = useApi(multivacApiRef);
  const navigate = useNavigate();
  const alertsRoute = useRouteRef(alertsRouteRef);
  const incidentRoute = useRouteRef(incidentRouteRef);
  const { allowed: canUpdate } = usePermission({
    permission: alertUpdatePermission,
  });
  const { allowed: canCreateIncident } = usePermission({
    permission: incidentCreatePermission,
  });
  const {
    value: group,
    error,
    retry,
  } = useAsyncRetry(() => api.getAlertGroup(id), [api, id]);
  const { busy, quietly } = useReloadingChange(retry);
  const [acknowledged, setAcknowledged] = useState<PageRecord>();
  // The card's recent pages of the entity hold the group's page while it matters.
  const recentPages = useAsync(
    async () => (group?.pageId ? api.listPages(group.entityRef) : []),
    [api, group?.entityRef, group?.pageId],
  );

  const linkedIncident = useAsync(
    async () =>
      group?.incidentId ? api.getIncident(group.incidentId) : undefined,
    [api, group?.incidentId],
  );

  if (!group) {
    return (
      <Page themeId="tool">
        <Header title="Alert group" type="Alerts" typeLink={alertsRoute()} />
        <Content>
          {error ? <ResponseErrorPanel error={error} /> : <Progress />}
        </Content>
      </Page>
    );
  }

  const page =
    acknowledged ?? recentPages.value?.find(p => p.id === group.pageId);
  const acknowledge = () =>
    quietly(async () => setAcknowledged(await api.acknowledgeAlertGroup(id)));
  const startIncident = () =>
    quietly(async () => {
      const incident = await api.startIncidentFromAlertGroup(id);
      navigate(incidentRoute({ id: incident.reference }));
    });

  return (
    <Page themeId="tool">
      <Header
        title={`Alerts on ${shortRef(group.entityRef)}`}
        type="Alerts"
        typeLink={alertsRoute()}
      >
        <HeaderLabel label="Status" value={group.status} />
        <HeaderLabel label="Urgency" value={group.urgency} />
        <HeaderLabel
          label="Alerts"
          value={`${group.alertCount} (${group.firingCount} firing)`}
        />
      </Header>
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={4}>
            <InfoCard title="Group">
              <DetailField label="Entity">
                <EntityRefLink
                  entityRef={group.entityRef}
                  defaultKind="component"
                />
              </DetailField>
              <DetailField label="Status">
                <AlertStatusChip status={group.status} />{' '}
                <AlertUrgencyChip urgency={group.urgency} />
              </DetailField>
              <DetailField label="First alert">
                {formatDateTime(group.createdAt)}
              </DetailField>
              <DetailField label="Last alert">
                {formatDateTime(group.lastAlertAt)}
              </DetailField>
              <DetailField label="Page">
                {group.pageId ? (
                  <GroupPage page={page} />
                ) : (
                  'None: low urgency, or attached to an active incident'
                )}
              </DetailField>
              {group.incidentId ? (
                <Typography variant="body1">
                  Handled as{' '}
                  <Link to={incidentRoute({ id: group.incidentId })}>
                    {linkedIncident.value
                      ? `${linkedIncident.value.reference}: ${linkedIncident.value.title}`
                      : 'its incident'}
                  </Link>
                </Typography>
              ) : (
                <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
                  <Button
                    variant="outlined"
                    color="primary"
                    disabled={
                      !canUpdate ||
                      busy ||
                      !group.pageId ||
                      page?.status === 'acknowledged'
                    }
                    onClick={acknowledge}
                  >
                    Acknowledge
                  </Button>
                  <Button
                    variant="contained"
                    color="primary"
                    disabled={!canUpdate || !canCreateIncident || busy}
                    onClick={startIncident}
                  >
                    Start incident
                  </Button>
                </Box>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={8}>
            <InfoCard title={`Alerts (${group.alerts.length})`}>
              {group.alerts.map(alert => (
                <AlertDetails key={alert.id} alert={alert} />
              ))}
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
};
