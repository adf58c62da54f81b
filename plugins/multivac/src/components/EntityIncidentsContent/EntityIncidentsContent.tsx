import { stringifyEntityRef } from '@backstage/catalog-model';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Button, Grid, Typography } from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import {
  incidentCreatePermission,
  isActiveStatus,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multivacApiRef } from '../../api/MultivacApi';
import { incidentRouteRef } from '../../routes';
import { DeclareIncidentDialog } from '../DeclareIncidentDialog';
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
  const navigate = useNavigate();
  const incidentRoute = useRouteRef(incidentRouteRef);
  const [declaring, setDeclaring] = useState(false);
  const { allowed: canDeclare } = usePermission({
    permission: incidentCreatePermission,
  });
  const isContainer = ['group', 'user'].includes(
    entity.kind.toLocaleLowerCase('en-US'),
  );

  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listIncidents({ entityRef, limit: 100 }),
    [api, entityRef],
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
        <Button
          variant="contained"
          color="primary"
          startIcon={<AddIcon />}
          disabled={!canDeclare}
          onClick={() => setDeclaring(true)}
        >
          Declare incident
        </Button>
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
      <DeclareIncidentDialog
        open={declaring}
        onClose={() => setDeclaring(false)}
        defaultEntityRefs={isContainer ? [] : [entityRef]}
        onDeclared={incident => {
          setDeclaring(false);
          retry();
          navigate(incidentRoute({ id: incident.reference }));
        }}
      />
    </Grid>
  );
};
