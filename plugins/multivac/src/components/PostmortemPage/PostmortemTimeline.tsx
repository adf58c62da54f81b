import { InfoCard } from '@backstage/core-components';
import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import { PostmortemTimelineEntry } from '@multivac/plugin-multivac-common';
import { formatDateTime } from '../../formatTime';
import { TimelineActor } from '../IncidentTimeline';
import { nameRefsIn, refsInText, useDisplayNames } from '../OnCallPerson';

/**
 * The incident's story as recorded: its timeline and the pages sent for it,
 * each at a time with its zone named, people written out by ref in the text
 * ("acknowledged by user:default/ken.thompson") by display name.
 */
export const PostmortemTimeline = ({
  entries,
}: {
  entries: PostmortemTimelineEntry[];
}) => {
  const nameOf = useDisplayNames(entries.flatMap(e => refsInText(e.text)));
  return (
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
                    {nameRefsIn(entry.text, nameOf)}
                  </Typography>
                }
                secondary={`${formatDateTime(entry.at, { seconds: true })}${
                  entry.source === 'page' ? ' · paging' : ''
                }`}
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
};
