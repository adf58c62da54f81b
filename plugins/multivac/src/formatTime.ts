/**
 * How the portal shows times: in the viewer's zone with the zone named, or
 * in a schedule's zone where that is the point. The functions are shared
 * with the terminal shell (`@multivac/plugin-multivac-common`).
 */
export {
  formatDateTime,
  formatTimeOfDay,
  formatWithScheduleTime,
  zoneAbbreviation,
} from '@multivac/plugin-multivac-common';
export type {
  FormatTimeOptions,
  TimeInput,
} from '@multivac/plugin-multivac-common';
