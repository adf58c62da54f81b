import { Entity } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { Box } from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';

/**
 * How many alerts are firing for the entity, linking to its Alerts tab;
 * nothing when the count is unknown (the viewer may not read alerts).
 */
export const FiringAlerts = ({
  entity,
  count,
}: {
  entity: Entity;
  count?: number;
}) => {
  const entityRoute = useRouteRef(entityRouteRef);
  if (count === undefined) {
    return null;
  }
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
