export {
  PageStatusChip,
  POSTMORTEM_STATUS_LABELS,
  PostmortemStatusChip,
  ReportStatusChip,
  SeverityChip,
  StatusChip,
} from './IncidentChips';
