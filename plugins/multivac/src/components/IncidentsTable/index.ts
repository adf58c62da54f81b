export { IncidentsTable } from './IncidentsTable';
export type { IncidentsTableProps } from './IncidentsTable';
export { incidentDurationMs, incidentDurationText } from './duration';
