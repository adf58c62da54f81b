import { DateTime } from 'luxon';

// The definitions and their rules live in @multivac/plugin-multivac-common
// (shared with the catalog's Schedule kind); re-exported here for the
// backend's existing imports.
export type {
  EscalationLevelDefinition,
  EscalationTarget,
  RotationLayer,
  RotationRestriction,
  ScheduleDefinition,
  ScheduleOverride,
  ScheduleVersionSpan,
  Weekday,
} from '@multivac/plugin-multivac-common';
export { WEEKDAYS } from '@multivac/plugin-multivac-common';

export interface Shift {
  userRef: string;
  start: DateTime;
  end: DateTime;
  /** layer name, or 'override' */
  source: string;
}

export interface EscalationStep {
  /** 1-based. */
  level: number;
  timeoutMinutes: number;
  onCall: Shift[];
}
