export { IncidentPostmortem } from './IncidentPostmortem';
