export { ChangeFailureTable } from './ChangeFailureTable';
