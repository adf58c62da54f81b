export { ReportsListPage } from './ReportsListPage';
