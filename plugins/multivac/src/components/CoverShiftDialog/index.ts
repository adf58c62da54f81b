export { CoverShiftDialog } from './CoverShiftDialog';
export type { CoverShiftDialogProps } from './CoverShiftDialog';
export { CoverShiftButton } from './CoverShiftButton';
