export { PostmortemsListPage } from './PostmortemsListPage';
