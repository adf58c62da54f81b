import {
  Box,
  List,
  ListItem,
  ListItemSecondaryAction,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { PageDelivery, PageRecord } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { formatDateTime } from '../../formatTime';
import { AcknowledgePageButton } from '../AcknowledgePageButton';
import { PageStatusChip } from '../IncidentChips';
import { ActorName } from '../OnCallPerson';

export interface RecentPagesProps {
  pages: PageRecord[];
  onChange: () => void;
}

/**
 * How each person paged was reached, one line per person and level: their
 * channels in the order tried, e.g. "Grace Hopper: slack failed (no Slack
 * user) → email delivered".
 */
function deliveryLines(deliveries: PageDelivery[]): string[] {
  const byPerson = new Map<string, { name: string; tried: string[] }>();
  for (const d of deliveries) {
    const key = `${d.level} ${d.userRef}`;
    const person = byPerson.get(key) ?? { name: d.name, tried: [] };
    person.tried.push(
      `${d.channel} ${d.status}${
        d.detail && d.status !== 'delivered' ? ` (${d.detail})` : ''
      }`,
    );
    byPerson.set(key, person);
  }
  return [...byPerson.values()].map(
    ({ name, tried }) => `${name}: ${tried.join(' → ')}`,
  );
}

/** Recent pages about an entity: who was paged, delivery, acknowledgement. */
export const RecentPages = ({ pages, onChange }: RecentPagesProps) => {
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
              secondaryTypographyProps={{ component: 'div' }}
              secondary={
                <>
                  <span title={formatDateTime(page.createdAt)}>
                    {DateTime.fromISO(page.createdAt).toRelative()}
                  </span>
                  {` · level ${page.level}: ${
                    page.targets.map(t => t.name).join(', ') || 'nobody'
                  } · `}
                  {page.status === 'acknowledged' ? (
                    <>
                      acknowledged
                      {page.acknowledgedBy && (
                        <>
                          {' by '}
                          <ActorName actor={page.acknowledgedBy} />
                        </>
                      )}
                    </>
                  ) : (
                    page.delivery
                  )}
                  {deliveryLines(page.deliveries ?? []).map(line => (
                    <div key={line} data-testid="page-delivery">
                      {line}
                    </div>
                  ))}
                </>
              }
            />
            {page.status === 'triggered' && (
              <ListItemSecondaryAction>
                <AcknowledgePageButton pageId={page.id} onDone={onChange} />
              </ListItemSecondaryAction>
            )}
          </ListItem>
        ))}
      </List>
    </Box>
  );
};
