/**
 * In luxon's order: DateTime.weekday is 1 for Monday through 7 for Sunday.
 *
 * @public
 */
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;

/** @public */
export type Weekday = (typeof WEEKDAYS)[number];

/** @public */
export interface RotationRestriction {
  days: Weekday[];
  /** Local 'HH:mm'. */
  from: string;
  /** Local 'HH:mm'; a time not after `from` means the window ends on the next day. */
  to: string;
}

/** @public */
export interface RotationLayer {
  name: string;
  /** Catalog user refs, e.g. 'user:default/ada.lovelace', in rotation order. */
  members: string[];
  rotation:
    | { type: 'daily' } // hand off every day at handoffTime
    | { type: 'weekly'; handoffDay: Weekday } // hand off every week on handoffDay at handoffTime
    | { type: 'custom'; hours: number }; // hand off every N elapsed hours from the rotation start
  /** Local wall-clock time of hand-off in the schedule's time zone, 'HH:mm'. Default '09:00'. Ignored for custom (custom counts from `start`). */
  handoffTime: string;
  /**
   * ISO date or date-time (interpreted in the schedule's zone) when
   * members[0]'s first shift starts; the rotation epoch. A date alone means
   * that day at `handoffTime` (midnight for custom rotations).
   */
  start: string;
  /** If present, the layer only covers these windows (local time); outside them it has no one on call. */
  restrictions?: RotationRestriction[];
}

/**
 * ISO date-times with offset.
 *
 * @public
 */
export interface ScheduleOverride {
  userRef: string;
  start: string;
  end: string;
}

/** @public */
export type EscalationTarget =
  | { type: 'schedule' }
  | { type: 'user'; userRef: string };

/** @public */
export interface EscalationLevelDefinition {
  /** Minutes to wait for an acknowledgement before escalating to the next level. */
  timeoutMinutes: number;
  /** Who is paged at this level: this schedule's final on-call person ('schedule'), and/or fixed users. */
  targets: EscalationTarget[];
}

/**
 * One span of a schedule's history: `schedule` (a version without history
 * of its own) applies over [from, until); an open end is unbounded.
 *
 * @public
 */
export interface ScheduleVersionSpan {
  /** ISO date-time; absent: since always. */
  from?: string;
  /** ISO date-time; absent: from `from` on. */
  until?: string;
  schedule: ScheduleDefinition;
}

/** @public */
export interface ScheduleDefinition {
  id: string;
  name: string;
  /** IANA zone, e.g. 'Europe/Berlin'. */
  timeZone: string;
  /** Later layers take precedence over earlier ones where they have someone on call (like PagerDuty layers). */
  layers: RotationLayer[];
  overrides?: ScheduleOverride[];
  /** Default: one level targeting the schedule with a 15-minute timeout. */
  escalation?: EscalationLevelDefinition[];
  /**
   * The schedule's versions over time, sorted and not overlapping (catalog
   * schedules, see the backend README). When present, the engine answers
   * for a moment from the version whose span contains it, and nobody is on
   * call outside every span; the fields above are the latest version's.
   */
  versions?: ScheduleVersionSpan[];
}
