import {
  Content,
  Header,
  HeaderLabel,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import EditIcon from '@material-ui/icons/Edit';
import {
  incidentUpdatePermission,
  liveChannels,
  roleHolder,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multivacApiRef } from '../../api/MultivacApi';
import { useLiveRefresh } from '../../hooks/useLiveRefresh';
import { useReloadingChange } from '../../hooks/useReloadingChange';
import { DetailField } from '../DetailField';
import { EditIncidentDialog } from '../EditIncidentDialog';
import { IncidentActions } from '../IncidentActions';
import { IncidentJobs } from '../IncidentJobs';
import { IncidentPostmortem } from '../IncidentPostmortem';
import { IncidentRoles } from '../IncidentRoles';
import { IncidentTimeline } from '../IncidentTimeline';
import { useDisplayNames } from '../OnCallPerson';

/** `/multivac/incidents/:id`: one incident, every action on it, and its timeline. */
export const IncidentPage = () => {
  const { id = '' } = useParams();
  const api = useApi(multivacApiRef);
  const { allowed: canUpdate } = usePermission({
    permission: incidentUpdatePermission,
    resourceRef: id,
  });
  const [editing, setEditing] = useState(false);

  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const [incident, timeline] = await Promise.all([
      api.getIncident(id),
      api.getTimeline(id),
    ]);
    return { incident, timeline };
  }, [api, id]);
  useLiveRefresh(value && liveChannels.incident(value.incident.id), retry);

  const { busy, act, quietly } = useReloadingChange(retry);
  const controllerRef = value && roleHolder(value.incident, 'controller');
  const nameOf = useDisplayNames(controllerRef ? [controllerRef] : []);

  if (!value) {
    return (
      <Page themeId="tool">
        <Header title={id} type="Incident" />
        <Content>
          {error ? <ResponseErrorPanel error={error} /> : <Progress />}
        </Content>
      </Page>
    );
  }
  const { incident, timeline } = value;
  const disabled = busy || loading || !canUpdate;

  return (
    <Page themeId="tool">
      <Header
        title={`${incident.reference}: ${incident.title}`}
        type="Incident"
        typeLink=".."
      >
        <HeaderLabel label="Severity" value={incident.severity} />
        <HeaderLabel label="Status" value={incident.status} />
        <HeaderLabel
          label="Controller"
          value={controllerRef ? nameOf(controllerRef) : 'nobody'}
        />
      </Header>
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={8}>
            <Grid container spacing={3}>
              <Grid item xs={12}>
                <IncidentActions
                  incident={incident}
                  disabled={disabled}
                  onTransition={(to, note) =>
                    quietly(() => api.transitionIncident(incident.id, to, note))
                  }
                >
                  <IncidentPostmortem incident={incident} />
                </IncidentActions>
              </Grid>
              <Grid item xs={12}>
                <InfoCard
                  title="Details"
                  action={
                    <Button
                      startIcon={<EditIcon />}
                      disabled={disabled}
                      onClick={() => setEditing(true)}
                    >
                      Edit
                    </Button>
                  }
                >
                  <DetailField label="Description">
                    {incident.description}
                  </DetailField>
                  <DetailField label="Summary">{incident.summary}</DetailField>
                  <DetailField label="Impact">{incident.impact}</DetailField>
                  <Typography variant="overline">Affected</Typography>
                  <Box>
                    <EntityRefLinks
                      entityRefs={incident.entityRefs}
                      defaultKind="component"
                    />
                  </Box>
                </InfoCard>
              </Grid>
              <Grid item xs={12}>
                <IncidentTimeline
                  events={timeline}
                  disabled={disabled}
                  onAddNote={text => act(() => api.addNote(incident.id, text))}
                />
              </Grid>
            </Grid>
          </Grid>
          <Grid item xs={12} md={4}>
            <Grid container spacing={3}>
              <Grid item xs={12}>
                <IncidentRoles
                  incident={incident}
                  disabled={disabled}
                  onChange={(role, userRef, action) =>
                    quietly(() =>
                      api.changeRole(incident.id, { role, userRef, action }),
                    )
                  }
                />
              </Grid>
              <Grid item xs={12}>
                <IncidentJobs jobs={incident.jobs ?? []} />
              </Grid>
            </Grid>
          </Grid>
        </Grid>
        <EditIncidentDialog
          incident={incident}
          open={editing}
          onClose={() => setEditing(false)}
          onSave={changes =>
            act(() => api.updateIncident(incident.id, changes))
          }
        />
      </Content>
    </Page>
  );
};
