export { IncidentActions } from './IncidentActions';
