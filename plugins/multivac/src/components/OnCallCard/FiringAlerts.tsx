import { Entity } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { Box, Typography } from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';

/**
 * Counts the entity's firing alerts with one small request (a page of one
 * alert, and the total), started beside the card's own requests so neither
 * waits for the other.
 */
export function useFiringAlerts(entityRef: string) {
  const api = useApi(multivacApiRef);
  return useAsync(
    () => api.listAlerts({ entityRef, status: 'firing', limit: 1 }),
    [api, entityRef],
  );
}

/** How many alerts are firing for the entity, linking to its Alerts tab. */
export const FiringAlerts = ({
  entity,
  state,
}: {
  entity: Entity;
  state: ReturnType<typeof useFiringAlerts>;
}) => {
  const entityRoute = useRouteRef(entityRouteRef);
  const { value, error } = state;

  // Someone who may not read alerts simply does not see the line.
  if (error instanceof ResponseError && error.statusCode === 403) {
    return null;
  }
  if (error) {
    return (
      <Typography variant="body2" color="error">
        Firing alerts could not be counted: {error.message}
      </Typography>
    );
  }
  if (!value) {
    return null;
  }
  const count = value.totalCount;
  const text =
    count === 0
      ? 'No alerts firing'
      : `${count} alert${count === 1 ? '' : 's'} firing`;
  return (
    <Box display="flex" alignItems="center" mb={1} style={{ gap: 4 }}>
      {count > 0 && <WarningIcon fontSize="small" color="error" />}
      <Link
        to={`${entityRoute(entityRouteParams(entity))}/alerts`}
        aria-label={`${text}: open the Alerts tab`}
        color={count > 0 ? 'error' : 'textSecondary'}
        data-testid="multivac-firing-alerts"
      >
        {text}
      </Link>
    </Box>
  );
};
