import { stringifyEntityRef } from '@backstage/catalog-model';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Grid, Typography } from '@material-ui/core';
import { isActiveStatus, liveChannels } from '@multivac/plugin-multivac-common';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { useLiveVersion } from '../../hooks/useLiveRefresh';
import { DeclareIncidentButton } from '../DeclareIncidentButton';
import { IncidentsTable } from '../IncidentsTable';

/**
 * The Incidents tab of a Component, System or Group page: its active and
 * past incidents (a Group or System also sees those of what it owns or
 * contains) and a button to declare one.
 */
export const EntityIncidentsContent = () => {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(multivacApiRef);
  const isContainer = ['group', 'user'].includes(
    entity.kind.toLocaleLowerCase('en-US'),
  );

  // Any incident may be one of this entity's (or of what it owns).
  const live = useLiveVersion(liveChannels.incidents);
  const { value, loading, error } = useAsync(
    () => api.listIncidents({ entityRef, limit: 100 }),
    [api, entityRef, live],
  );

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  const incidents = value?.items ?? [];
  const active = incidents.filter(i => isActiveStatus(i.status));
  const past = incidents.filter(i => !isActiveStatus(i.status));

  return (
    <Grid container spacing={3}>
      <Grid
        item
        xs={12}
        style={{ display: 'flex', justifyContent: 'flex-end' }}
      >
        <DeclareIncidentButton
          defaultEntityRefs={isContainer ? [] : [entityRef]}
        />
      </Grid>
      <Grid item xs={12}>
        <IncidentsTable
          title="Active incidents"
          incidents={active}
          isLoading={loading}
          emptyContent={
            <Typography style={{ padding: 16 }}>
              No active incidents. All quiet.
            </Typography>
          }
        />
      </Grid>
      <Grid item xs={12}>
        <IncidentsTable
          title="Past incidents"
          incidents={past}
          isLoading={loading}
          emptyContent={
            <Typography style={{ padding: 16 }}>No past incidents.</Typography>
          }
        />
      </Grid>
    </Grid>
  );
};
