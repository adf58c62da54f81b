export { FormDialogActions } from './FormDialogActions';
