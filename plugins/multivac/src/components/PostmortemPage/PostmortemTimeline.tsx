import { InfoCard } from '@backstage/core-components';
import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import { PostmortemTimelineEntry } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { TimelineActor } from '../IncidentTimeline';

/** The incident's story as recorded: its timeline and the pages sent for it. */
export const PostmortemTimeline = ({
  entries,
}: {
  entries: PostmortemTimelineEntry[];
}) => (
  <InfoCard title="Timeline">
    {entries.length === 0 ? (
      <Typography variant="body2">Nothing was recorded.</Typography>
    ) : (
      // not dense: the theme cuts dense items to one line, too short here
      <List aria-label="post-mortem timeline">
        {entries.map((entry, index) => (
          <ListItem key={index} alignItems="flex-start" divider>
            <ListItemText
              primary={
                <Typography variant="body2" component="span">
                  {entry.actor && <TimelineActor actor={entry.actor} />}{' '}
                  {entry.text}
                </Typography>
              }
              secondary={`${DateTime.fromISO(entry.at).toLocaleString(
                DateTime.DATETIME_MED_WITH_SECONDS,
              )}${entry.source === 'page' ? ' · paging' : ''}`}
            />
          </ListItem>
        ))}
      </List>
    )}
  </InfoCard>
);
