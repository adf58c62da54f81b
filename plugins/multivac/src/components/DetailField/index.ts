export { DetailField } from './DetailField';
