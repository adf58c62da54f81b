export * from './types';
export {
  escalationChain,
  finalShifts,
  layerShifts,
  nextShift,
  onCallAt,
  versionAt,
} from './ScheduleEngine';
export { parseSchedules } from './parseScheduleConfig';
export {
  effectiveFromOfNewVersion,
  scheduleWithHistory,
} from './ScheduleHistory';
export type { SeenScheduleVersion } from './ScheduleHistory';
