import {
  Box,
  List,
  ListItem,
  ListItemSecondaryAction,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { PageRecord } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { AcknowledgePageButton } from '../AcknowledgePageButton';
import { PageStatusChip } from '../IncidentChips';

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
  if (pages.length === 0) {
    return null;
  }

  return (
    <Box mt={1}>
      <Typography variant="overline">Recent pages</Typography>
      <List dense aria-label="recent pages">
        {pages.map(page => (
          <ListItem key={page.id} disableGutters>
            <ListItemText
              primary={
                <>
                  <PageStatusChip status={page.status} /> {page.summary}
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
                <AcknowledgePageButton
                  pageId={page.id}
                  disabled={!canAcknowledge}
                  onDone={onChange}
                />
              </ListItemSecondaryAction>
            )}
          </ListItem>
        ))}
      </List>
    </Box>
  );
};
