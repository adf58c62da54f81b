import { InfoCard } from '@backstage/core-components';
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
import { formatDateTime } from '../../formatTime';
import { FormEvent, useState } from 'react';
import { ActorName, useDisplayNames } from '../OnCallPerson';

export interface IncidentTimelineProps {
  events: TimelineEvent[];
  disabled?: boolean;
  onAddNote: (text: string) => Promise<void>;
}

/**
 * Who did something: catalog users by display name, linked; services by
 * name ("Multivac").
 */
export const TimelineActor = ActorName;

const ENTITY_REF = /^[a-z][\w-]*:([\w.-]+\/)?[\w.-]+$/i;

/** The refs an event mentions: its people and affected entities. */
function mentionedRefs(event: TimelineEvent): string[] {
  const p = event.payload as Record<string, unknown>;
  const lists = [p.entityRefs, p.from, p.to].filter(Array.isArray);
  return [p.userRef, p.previous, ...lists]
    .flat()
    .filter((v): v is string => typeof v === 'string' && ENTITY_REF.test(v));
}

/** Every change and note, oldest first, with a box to add a note. */
export const IncidentTimeline = ({
  events,
  disabled,
  onAddNote,
}: IncidentTimelineProps) => {
  const [text, setText] = useState('');
  const nameOf = useDisplayNames(events.flatMap(mentionedRefs));
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
                  {describeTimelineEvent(event, nameOf)}
                </Typography>
              }
              secondary={formatDateTime(event.createdAt, { seconds: true })}
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
