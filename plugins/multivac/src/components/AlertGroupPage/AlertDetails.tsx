import { Link } from '@backstage/core-components';
import {
  Box,
  Grid,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from '@material-ui/core';
import { Alert } from '@multivac/plugin-multivac-common';
import { AlertStatusChip, AlertUrgencyChip } from '../AlertChips';
import { formatDateTime } from '../../formatTime';
import { DetailField } from '../DetailField';

/** How the alert found its entity, in words. */
function routedByText(routedBy?: string): string | undefined {
  if (!routedBy) {
    return undefined;
  }
  if (routedBy === 'default') {
    return "the integration's default route";
  }
  if (routedBy === 'entityRef') {
    return 'the entity the sender named';
  }
  const [kind, detail] = routedBy.split(':', 2);
  if (kind === 'label') {
    return `its label "${detail}"`;
  }
  if (kind === 'rule') {
    return `rule ${detail} of the integration`;
  }
  return routedBy;
}

/** One alert of a group: what the vendor sent, its labels and links. */
export const AlertDetails = ({ alert }: { alert: Alert }) => {
  const labels = Object.entries(alert.labels).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return (
    <Paper
      variant="outlined"
      component="section"
      aria-label={alert.summary}
      style={{ padding: 16, marginBottom: 16 }}
    >
      <Box display="flex" alignItems="center" flexWrap="wrap" mb={2}>
        <Typography variant="h6" component="h3" style={{ marginRight: 8 }}>
          {alert.summary}
        </Typography>
        <AlertStatusChip status={alert.status} />
        &nbsp;
        <AlertUrgencyChip urgency={alert.urgency} />
      </Box>
      <Grid container spacing={2}>
        <Grid item xs={6} md={3}>
          <DetailField label="Severity">{alert.severity}</DetailField>
        </Grid>
        <Grid item xs={6} md={3}>
          <DetailField label="Integration">{alert.integrationId}</DetailField>
        </Grid>
        <Grid item xs={6} md={3}>
          <DetailField label="Routed by">
            {routedByText(alert.routedBy)}
          </DetailField>
        </Grid>
        <Grid item xs={6} md={3}>
          <DetailField label="Deliveries">
            {String(alert.deliveries)}
          </DetailField>
        </Grid>
        <Grid item xs={6} md={3}>
          <DetailField label="Started">
            {formatDateTime(alert.startsAt ?? alert.createdAt)}
          </DetailField>
        </Grid>
        <Grid item xs={6} md={3}>
          <DetailField label="Resolved">
            {alert.resolvedAt && formatDateTime(alert.resolvedAt)}
          </DetailField>
        </Grid>
        <Grid item xs={12} md={6}>
          <DetailField label="Dedup key">
            <code style={{ wordBreak: 'break-all' }}>{alert.dedupKey}</code>
          </DetailField>
        </Grid>
        <Grid item xs={12} md={6}>
          <Typography variant="overline">Labels</Typography>
          {labels.length === 0 ? (
            <Typography variant="body2">—</Typography>
          ) : (
            <Table size="small" aria-label={`labels of ${alert.summary}`}>
              <TableBody>
                {labels.map(([key, value]) => (
                  <TableRow key={key}>
                    <TableCell component="th" scope="row">
                      <code>{key}</code>
                    </TableCell>
                    <TableCell style={{ wordBreak: 'break-word' }}>
                      {value}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Grid>
        <Grid item xs={12} md={6}>
          <DetailField label="Links">
            {alert.links.length > 0 &&
              alert.links.map(link => (
                <Box key={link} style={{ wordBreak: 'break-all' }}>
                  <Link to={link}>{link}</Link>
                </Box>
              ))}
          </DetailField>
        </Grid>
      </Grid>
    </Paper>
  );
};
