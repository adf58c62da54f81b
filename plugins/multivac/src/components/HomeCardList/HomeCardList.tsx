import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  Box,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { ReactNode } from 'react';

/** One line of a home card: a title (linked) and a second line. */
export interface HomeCardLine {
  key: string;
  primary: ReactNode;
  secondary?: ReactNode;
}

/**
 * The body every Multivac home card shares: a progress bar while loading,
 * the error panel, a sentence when there is nothing, else the lines; and a
 * link to the full page under them.
 */
export const HomeCardList = (props: {
  loading: boolean;
  error?: Error;
  lines?: HomeCardLine[];
  /** Said when there are no lines. */
  empty: string;
  link: { to: string; title: string };
}) => {
  const { loading, error, lines, empty, link } = props;
  let body: ReactNode;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!lines?.length) {
    body = (
      <Typography variant="body2" color="textSecondary">
        {empty}
      </Typography>
    );
  } else {
    body = (
      <List dense disablePadding>
        {lines.map(line => (
          <ListItem key={line.key} disableGutters>
            <ListItemText
              primary={line.primary}
              secondary={line.secondary}
              primaryTypographyProps={{ component: 'div' }}
              secondaryTypographyProps={{ component: 'div' }}
            />
          </ListItem>
        ))}
      </List>
    );
  }
  return (
    <Box>
      {body}
      <Box mt={1}>
        <Link to={link.to}>{link.title}</Link>
      </Box>
    </Box>
  );
};
