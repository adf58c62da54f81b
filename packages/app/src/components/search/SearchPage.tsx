import { CatalogIcon, Content, Header, Page } from '@backstage/core-components';
import { CatalogSearchResultListItem } from '@backstage/plugin-catalog';
import { SearchType } from '@backstage/plugin-search';
import {
  DefaultResultListItem,
  SearchBar,
  SearchPagination,
  SearchResult,
} from '@backstage/plugin-search-react';
import { Grid, List, makeStyles, Paper, Theme } from '@material-ui/core';
import DescriptionIcon from '@material-ui/icons/Description';
import WhatshotIcon from '@material-ui/icons/Whatshot';
import { MultivacResultListItem } from './MultivacResultListItem';
import { MultivacTeamFilter } from './MultivacTeamFilter';

const useStyles = makeStyles((theme: Theme) => ({
  bar: {
    padding: theme.spacing(1, 0),
  },
  filter: {
    marginTop: theme.spacing(2),
  },
}));

/**
 * Search across the catalog and Multivac's incidents and post-mortems; with
 * Incidents or Post-mortems selected, results can be filtered by team.
 */
export const SearchPage = () => {
  const classes = useStyles();
  return (
    <Page themeId="home">
      <Header title="Search" />
      <Content>
        <Grid container direction="row">
          <Grid item xs={12}>
            <Paper className={classes.bar}>
              <SearchBar />
            </Paper>
          </Grid>
          <Grid item xs={3}>
            <SearchType.Accordion
              name="Result type"
              types={[
                {
                  value: 'software-catalog',
                  name: 'Software catalog',
                  icon: <CatalogIcon />,
                },
                {
                  value: 'multivac-incident',
                  name: 'Incidents',
                  icon: <WhatshotIcon />,
                },
                {
                  value: 'multivac-postmortem',
                  name: 'Post-mortems',
                  icon: <DescriptionIcon />,
                },
              ]}
            />
            <MultivacTeamFilter className={classes.filter} />
          </Grid>
          <Grid item xs={9}>
            <SearchPagination />
            <SearchResult>
              {({ results }) => (
                <List>
                  {results.map(({ type, document, highlight, rank }) => {
                    switch (type) {
                      case 'software-catalog':
                        return (
                          <CatalogSearchResultListItem
                            key={document.location}
                            result={document}
                            highlight={highlight}
                            rank={rank}
                          />
                        );
                      case 'multivac-incident':
                      case 'multivac-postmortem':
                        return (
                          <MultivacResultListItem
                            key={document.location}
                            type={type}
                            result={document}
                            highlight={highlight}
                            rank={rank}
                          />
                        );
                      default:
                        return (
                          <DefaultResultListItem
                            key={document.location}
                            result={document}
                            highlight={highlight}
                            rank={rank}
                          />
                        );
                    }
                  })}
                </List>
              )}
            </SearchResult>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
};

export const searchPage = <SearchPage />;
