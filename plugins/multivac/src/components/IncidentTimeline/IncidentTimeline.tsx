import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Box,
  Button,
  List,
  ListItem,
  ListItemText,
  TextField,
  Typography,
} from '@material-ui/core';
import {
  describeTimelineEvent,
  TimelineEvent,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { FormEvent, useState } from 'react';

export interface IncidentTimelineProps {
  events: TimelineEvent[];
  disabled?: boolean;
  onAddNote: (text: string) => Promise<void>;
}

/** Who did something: a link for catalog users, else the name as given. */
export const TimelineActor = ({ actor }: { actor: string }) =>
  actor.startsWith('user:') ? (
    <EntityRefLink entityRef={actor} defaultKind="user" />
  ) : (
    <span>{actor}</span>
  );

/** Every change and note, oldest first, with a box to add a note. */
export const IncidentTimeline = ({
  events,
  disabled,
  onAddNote,
}: IncidentTimelineProps) => {
  const [text, setText] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) {
      return;
    }
    await onAddNote(text.trim());
    setText('');
  };

  return (
    <InfoCard title="Timeline">
      <List dense aria-label="timeline">
        {events.map(event => (
          <ListItem key={event.id} alignItems="flex-start" divider>
            <ListItemText
              primary={
                <Typography variant="body2" component="span">
                  <TimelineActor actor={event.actor} />{' '}
                  {describeTimelineEvent(event)}
                </Typography>
              }
              secondary={DateTime.fromISO(event.createdAt).toLocaleString(
                DateTime.DATETIME_MED_WITH_SECONDS,
              )}
            />
          </ListItem>
        ))}
      </List>
      <form onSubmit={submit}>
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <TextField
            id="multivac-note"
            label="Add a note to the timeline"
            value={text}
            onChange={e => setText(e.target.value)}
            fullWidth
            variant="outlined"
            margin="dense"
          />
          <Button
            type="submit"
            variant="outlined"
            color="primary"
            disabled={disabled || !text.trim()}
          >
            Add note
          </Button>
        </Box>
      </form>
    </InfoCard>
  );
};
