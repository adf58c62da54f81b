export {
  SchedulePreviewField,
  SchedulePreviewFieldExtension,
} from './SchedulePreviewField';
