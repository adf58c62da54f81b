export { IncidentsListPage } from './IncidentsListPage';
