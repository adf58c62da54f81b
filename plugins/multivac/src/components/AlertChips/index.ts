export { AlertStatusChip, AlertUrgencyChip } from './AlertChips';
