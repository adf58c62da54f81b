import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Chip,
  List,
  ListItem,
  ListItemSecondaryAction,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { PageRecord } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { multivacApiRef } from '../../api/MultivacApi';

export interface RecentPagesProps {
  pages: PageRecord[];
  canAcknowledge: boolean;
  onChange: () => void;
}

/** Recent pages about an entity: who was paged, delivery, acknowledgement. */
export const RecentPages = ({
  pages,
  canAcknowledge,
  onChange,
}: RecentPagesProps) => {
  const api = useApi(multivacApiRef);
  const alertApi = useApi(alertApiRef);
  if (pages.length === 0) {
    return null;
  }
  const acknowledge = async (page: PageRecord) => {
    try {
      await api.acknowledgePage(page.id);
    } catch (error) {
      alertApi.post({ message: (error as Error).message, severity: 'error' });
    }
    onChange();
  };

  return (
    <Box mt={1}>
      <Typography variant="overline">Recent pages</Typography>
      <List dense aria-label="recent pages">
        {pages.map(page => (
          <ListItem key={page.id} disableGutters>
            <ListItemText
              primary={
                <>
                  <Chip
                    size="small"
                    label={page.status}
                    color={
                      page.status === 'triggered' ? 'secondary' : 'default'
                    }
                  />{' '}
                  {page.summary}
                </>
              }
              secondary={`${DateTime.fromISO(
                page.createdAt,
              ).toRelative()} · level ${page.level}: ${
                page.targets.map(t => t.name).join(', ') || 'nobody'
              } · ${
                page.status === 'acknowledged'
                  ? `acknowledged by ${page.acknowledgedBy}`
                  : page.delivery
              }`}
            />
            {page.status === 'triggered' && (
              <ListItemSecondaryAction>
                <Button
                  size="small"
                  disabled={!canAcknowledge}
                  onClick={() => acknowledge(page)}
                >
                  Acknowledge
                </Button>
              </ListItemSecondaryAction>
            )}
          </ListItem>
        ))}
      </List>
    </Box>
  );
};
