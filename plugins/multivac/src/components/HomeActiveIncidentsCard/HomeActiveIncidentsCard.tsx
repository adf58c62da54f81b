import { Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Box } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { formatDateTime } from '../../formatTime';
import { incidentRouteRef, incidentsRouteRef } from '../../routes';
import { HomeCardList } from '../HomeCardList';
import { SeverityChip, StatusChip } from '../IncidentChips';

/** Incidents the card lists at most. */
export const ACTIVE_INCIDENTS_LIMIT = 5;

/** Home card: the newest incidents not yet resolved that the user may read. */
export const HomeActiveIncidentsCard = () => {
  const api = useApi(multivacApiRef);
  const incidentLink = useRouteRef(incidentRouteRef);
  const incidentsLink = useRouteRef(incidentsRouteRef);
  const { value, loading, error } = useAsync(
    () =>
      api.listIncidents({ status: 'active', limit: ACTIVE_INCIDENTS_LIMIT }),
    [api],
  );
  const more =
    value && value.totalCount > value.items.length
      ? ` (${value.totalCount} in all)`
      : '';
  return (
    <HomeCardList
      loading={loading}
      error={error}
      empty="No incident is open. All quiet."
      lines={value?.items.map(incident => ({
        key: incident.id,
        primary: (
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <SeverityChip severity={incident.severity} />
            <Link to={incidentLink({ id: incident.reference })}>
              {incident.reference} {incident.title}
            </Link>
          </Box>
        ),
        secondary: (
          <Box
            component="span"
            display="flex"
            alignItems="center"
            style={{ gap: 8 }}
          >
            <StatusChip status={incident.status} />
            declared {formatDateTime(incident.createdAt)}
          </Box>
        ),
      }))}
      link={{
        to: `${incidentsLink()}?status=active`,
        title: `All active incidents${more}`,
      }}
    />
  );
};
