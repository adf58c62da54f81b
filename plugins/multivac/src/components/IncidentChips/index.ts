export { SeverityChip, StatusChip } from './IncidentChips';
