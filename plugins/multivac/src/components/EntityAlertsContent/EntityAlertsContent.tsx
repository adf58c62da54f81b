import { stringifyEntityRef } from '@backstage/catalog-model';
import { LinkButton, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Grid, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { alertsRouteRef } from '../../routes';
import { AlertsTable } from '../AlertsTable';

/** How many recently resolved alerts the tab shows. */
const RESOLVED_SHOWN = 20;

/**
 * The Alerts tab of a Component, System or Group page: what is firing now
 * and what resolved lately (a Group or System also sees the alerts of what
 * it owns or contains); each alert opens its group.
 */
export const EntityAlertsContent = () => {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(multivacApiRef);
  const alertsRoute = useRouteRef(alertsRouteRef);
  const isContainer = ['group', 'system'].includes(
    entity.kind.toLocaleLowerCase('en-US'),
  );

  const firing = useAsync(
    () => api.listAlerts({ entityRef, status: 'firing', limit: 200 }),
    [api, entityRef],
  );
  const resolved = useAsync(
    () =>
      api.listAlerts({ entityRef, status: 'resolved', limit: RESOLVED_SHOWN }),
    [api, entityRef],
  );

  const error = firing.error ?? resolved.error;
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }

  return (
    <Grid container spacing={3}>
      <Grid
        item
        xs={12}
        style={{ display: 'flex', justifyContent: 'flex-end' }}
      >
        <LinkButton
          to={`${alertsRoute()}?${new URLSearchParams({
            entityRef,
            status: 'all',
          })}`}
          variant="outlined"
        >
          All alerts
        </LinkButton>
      </Grid>
      <Grid item xs={12}>
        <AlertsTable
          title={
            firing.value
              ? `Firing alerts (${firing.value.totalCount})`
              : 'Firing alerts'
          }
          alerts={firing.value?.items ?? []}
          isLoading={firing.loading}
          showEntity={isContainer}
          emptyContent={
            <Typography style={{ padding: 16 }}>
              Nothing is firing. All quiet.
            </Typography>
          }
        />
      </Grid>
      <Grid item xs={12}>
        <AlertsTable
          title="Recently resolved"
          alerts={resolved.value?.items ?? []}
          isLoading={resolved.loading}
          showEntity={isContainer}
          emptyContent={
            <Typography style={{ padding: 16 }}>No resolved alerts.</Typography>
          }
        />
      </Grid>
    </Grid>
  );
};
