export { AlertGroupPage } from './AlertGroupPage';
