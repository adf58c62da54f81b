export { EditIncidentDialog } from './EditIncidentDialog';
