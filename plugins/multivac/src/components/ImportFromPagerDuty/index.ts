export { ImportFromPagerDutyButton } from './ImportFromPagerDutyButton';
export { ImportFromPagerDutyDialog } from './ImportFromPagerDutyDialog';
export type { ImportFromPagerDutyDialogProps } from './ImportFromPagerDutyDialog';
