import {
  Box,
  List,
  ListItem,
  ListItemText,
  makeStyles,
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

const useStyles = makeStyles(theme => ({
  // The button sits beside the text, not over it (as a secondary action
  // would): the text takes what is left and a long title is cut short.
  item: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
  },
  text: {
    flex: '1 1 auto',
    minWidth: 0,
  },
  title: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    minWidth: 0,
  },
  chip: {
    flex: '0 0 auto',
    '& > *': { margin: 0 },
  },
  summary: {
    minWidth: 0,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  action: {
    flex: '0 0 auto',
    marginTop: theme.spacing(0.5),
  },
}));

/**
 * Recent pages about an entity: who was paged, delivery, acknowledgement.
 * A long page title is cut short with an ellipsis; it is shown whole on
 * hover.
 */
export const RecentPages = ({ pages, onChange }: RecentPagesProps) => {
  const classes = useStyles();
  if (pages.length === 0) {
    return null;
  }

  return (
    <Box mt={1}>
      <Typography variant="overline">Recent pages</Typography>
      <List dense aria-label="recent pages">
        {pages.map(page => (
          <ListItem key={page.id} disableGutters className={classes.item}>
            <ListItemText
              className={classes.text}
              // The theme makes dense list text one clipped line; here only
              // the title is, and the details below it wrap.
              style={{ whiteSpace: 'normal' }}
              primaryTypographyProps={{ component: 'div' }}
              primary={
                <span className={classes.title}>
                  <span className={classes.chip}>
                    <PageStatusChip status={page.status} />
                  </span>
                  <span
                    className={classes.summary}
                    title={page.summary}
                    data-testid="page-summary"
                  >
                    {page.summary}
                  </span>
                </span>
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
              <div className={classes.action}>
                <AcknowledgePageButton pageId={page.id} onDone={onChange} />
              </div>
            )}
          </ListItem>
        ))}
      </List>
    </Box>
  );
};
