export { searchPage, SearchPage } from './SearchPage';
export { MultivacResultListItem } from './MultivacResultListItem';
