import { Link } from '@backstage/core-components';
import {
  DefaultResultListItemProps,
  HighlightedSearchResultText,
} from '@backstage/plugin-search-react';
import {
  Box,
  Chip,
  ListItem,
  ListItemIcon,
  ListItemText,
  Typography,
} from '@material-ui/core';
import DescriptionIcon from '@material-ui/icons/Description';
import GroupIcon from '@material-ui/icons/Group';
import WhatshotIcon from '@material-ui/icons/Whatshot';

/** The fields Multivac's collators put on a document, beyond title and text. */
interface MultivacDocument {
  title: string;
  text: string;
  location: string;
  reference?: string;
  severity?: string;
  status?: string;
  /**
   * The names of the Groups that own the document's entities, `, `-separated
   * (`''` when no Group owns them; absent from documents indexed before the
   * collators knew teams).
   */
  team?: string;
}

export type MultivacResultListItemProps = Pick<
  DefaultResultListItemProps,
  'highlight' | 'rank'
> & {
  /** `multivac-incident` or `multivac-postmortem`. */
  type: string;
  result?: MultivacDocument;
};

/**
 * A search result for an incident or a post-mortem: its title linking to it,
 * the matching text, its reference, severity and status, and its team.
 */
export const MultivacResultListItem = ({
  type,
  result,
  highlight,
}: MultivacResultListItemProps) => {
  if (!result) {
    return null;
  }
  const field = (name: 'title' | 'text' | 'team') =>
    highlight?.fields[name] ? (
      <HighlightedSearchResultText
        text={highlight.fields[name]}
        preTag={highlight.preTag}
        postTag={highlight.postTag}
      />
    ) : (
      result[name]
    );
  const isIncident = type === 'multivac-incident';
  return (
    <ListItem alignItems="flex-start" divider>
      <ListItemIcon title={isIncident ? 'Incident' : 'Post-mortem'}>
        {isIncident ? <WhatshotIcon /> : <DescriptionIcon />}
      </ListItemIcon>
      <Box flexGrow={1}>
        <ListItemText
          primaryTypographyProps={{ variant: 'h6' }}
          primary={<Link to={result.location}>{field('title')}</Link>}
          secondary={field('text')}
        />
        <Box>
          {[result.reference, result.severity, result.status]
            .filter((label): label is string => Boolean(label))
            .map(label => (
              <Chip key={label} label={label} size="small" />
            ))}
        </Box>
        {result.team ? (
          <Box display="flex" alignItems="center" marginTop={1}>
            <GroupIcon fontSize="small" titleAccess="Team" />
            <Box component="span" marginLeft={0.5}>
              <Typography variant="body2" component="span">
                {field('team')}
              </Typography>
            </Box>
          </Box>
        ) : null}
      </Box>
    </ListItem>
  );
};
