export { ReleaseDetailsDialog } from './ReleaseDetailsDialog';
