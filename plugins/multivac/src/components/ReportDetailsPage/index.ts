export { ReportDetailsPage } from './ReportDetailsPage';
