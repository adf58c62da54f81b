export { IncidentRoles } from './IncidentRoles';
