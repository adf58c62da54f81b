export { AlertIntegrationsPage } from './AlertIntegrationsPage';
