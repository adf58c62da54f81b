export {
  PageStatusChip,
  ReportStatusChip,
  SeverityChip,
  StatusChip,
} from './IncidentChips';
