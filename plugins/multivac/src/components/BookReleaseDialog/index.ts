export { BookReleaseDialog } from './BookReleaseDialog';
