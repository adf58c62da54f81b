import { Link } from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, Typography } from '@material-ui/core';
import DescriptionIcon from '@material-ui/icons/Description';
import {
  Incident,
  postmortemCreatePermission,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { postmortemRouteRef } from '../../routes';
import { PostmortemStatusChip } from '../IncidentChips';

/**
 * The incident's post-mortem: a link once it exists, else (when the incident
 * is resolved) "Write post-mortem", which creates it and opens it.
 */
export const IncidentPostmortem = ({ incident }: { incident: Incident }) => {
  const api = useApi(multivacApiRef);
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const postmortemRoute = useRouteRef(postmortemRouteRef);
  const { allowed: canCreate } = usePermission({
    permission: postmortemCreatePermission,
  });
  const [creating, setCreating] = useState(false);
  const {
    value: postmortem,
    loading,
    error,
  } = useAsync(
    () => api.findIncidentPostmortem(incident.id),
    [api, incident.id, incident.status],
  );

  const write = async () => {
    setCreating(true);
    try {
      const created = await api.createPostmortem(incident.id);
      navigate(postmortemRoute({ id: created.reference }));
    } catch (err) {
      alertApi.post({ message: (err as Error).message, severity: 'error' });
      setCreating(false);
    }
  };

  if (loading) {
    return null;
  }
  if (error) {
    return (
      <Box mt={2}>
        <Typography variant="body2" color="error">
          Post-mortem: {error.message}
        </Typography>
      </Box>
    );
  }
  if (postmortem) {
    return (
      <Box mt={2} display="flex" alignItems="center" style={{ gap: 8 }}>
        <DescriptionIcon fontSize="small" />
        <Link to={postmortemRoute({ id: postmortem.reference })}>
          Post-mortem {postmortem.reference}
        </Link>
        <PostmortemStatusChip status={postmortem.status} />
      </Box>
    );
  }
  if (incident.status !== 'resolved') {
    return null;
  }
  return (
    <Box mt={2}>
      <Button
        variant="contained"
        color="primary"
        startIcon={<DescriptionIcon />}
        disabled={!canCreate || creating}
        onClick={write}
      >
        Write post-mortem
      </Button>
    </Box>
  );
};
