export { CoverShiftDialog } from './CoverShiftDialog';
export type { CoverShiftDialogProps } from './CoverShiftDialog';
