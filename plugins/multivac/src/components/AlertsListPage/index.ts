export { AlertsListPage } from './AlertsListPage';
