export { PageOnCallDialog } from './PageOnCallDialog';
