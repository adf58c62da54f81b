export { searchPage, SearchPage } from './SearchPage';
export { MultivacResultListItem } from './MultivacResultListItem';
export { MultivacTeamFilter } from './MultivacTeamFilter';
