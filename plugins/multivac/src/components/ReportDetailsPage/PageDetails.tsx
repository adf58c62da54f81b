import {
  Box,
  Chip,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { PageRecord } from '@multivac/plugin-multivac-common';
import { AcknowledgePageButton } from '../AcknowledgePageButton';
import { PageStatusChip } from '../IncidentChips';
import {
  ActorName,
  ContactLinks,
  nameRefsIn,
  PersonName,
  refsInText,
  useDisplayNames,
} from '../OnCallPerson';
import { formatWhen } from '../OnCallPage/timeline';

export interface PageDetailsProps {
  page: PageRecord;
  /** Called after an acknowledgement attempt, so the report is reloaded. */
  onChange: () => void;
}

/** One page: who was paged and how to reach them, where it stands, its history. */
export const PageDetails = ({ page, onChange }: PageDetailsProps) => {
  const nameOf = useDisplayNames(
    page.history.flatMap(entry => refsInText(entry.text)),
  );
  return (
    <Box
      component="section"
      aria-label={`Page to level ${page.level} of ${page.scheduleName}`}
      mb={3}
    >
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <PageStatusChip status={page.status} />
        <Typography variant="subtitle2">
          Level {page.level} of {page.scheduleName}
        </Typography>
        {page.fallback && (
          <Chip size="small" variant="outlined" label="fallback schedule" />
        )}
        {page.status === 'triggered' && (
          <AcknowledgePageButton pageId={page.id} onDone={onChange} />
        )}
      </Box>
      {page.targets.length === 0 ? (
        <Typography variant="body2">Nobody was paged at this level.</Typography>
      ) : (
        page.targets.map(person => (
          <Box key={person.userRef ?? person.name} mt={1}>
            <Typography variant="body1">
              <PersonName person={person} />
            </Typography>
            <ContactLinks person={person} />
          </Box>
        ))
      )}
      <Box mt={1}>
        <Typography variant="body2" color="textSecondary">
          Delivery ({page.provider}): {page.delivery}
        </Typography>
        {page.acknowledgedBy && (
          <Typography variant="body2" color="textSecondary">
            Acknowledged by <ActorName actor={page.acknowledgedBy} />
            {page.acknowledgedAt && ` at ${formatWhen(page.acknowledgedAt)}`}
          </Typography>
        )}
      </Box>
      <List dense aria-label="page history">
        {page.history.map(entry => (
          <ListItem key={`${entry.at}-${entry.text}`} disableGutters>
            <ListItemText
              primary={nameRefsIn(entry.text, nameOf)}
              secondary={formatWhen(entry.at)}
            />
          </ListItem>
        ))}
      </List>
    </Box>
  );
};
