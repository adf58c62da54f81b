export { IncidentJobs } from './IncidentJobs';
