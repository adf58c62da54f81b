export { AlertsTable } from './AlertsTable';
export type { AlertsTableProps } from './AlertsTable';
export { alertTime } from './alertTime';
