/**
 * Multivac's on-call schedules as catalog entities (kind Schedule,
 * apiVersion multivac.io/v1alpha1).
 *
 * @packageDocumentation
 */
export { catalogModuleMultivacSchedules as default } from './module';
export { ScheduleEntityProcessor } from './ScheduleEntityProcessor';
export { runScheduleCli, validateScheduleFiles } from './validateScheduleFiles';
export type { ScheduleFileReport } from './validateScheduleFiles';
