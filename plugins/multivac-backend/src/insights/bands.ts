import { DateTime, IANAZone } from 'luxon';

/**
 * When an interruption happened in the person's own day. Exclusive:
 * - `sleep`: 22:00–08:00, every night, weekend nights included;
 * - `weekend`: Saturday and Sunday 08:00–22:00;
 * - `evening`: Monday–Friday 18:00–22:00;
 * - `business`: Monday–Friday 08:00–18:00.
 *
 * PagerDuty counts a weekend night both as off hours and as sleep hours;
 * Multivac counts it once, as sleep, so the bands add up to the total. The
 * day is the local calendar day of the interruption (Friday 23:00 is a
 * Friday night, Sunday 23:00 a Sunday night: both sleep).
 */
export type InterruptionBand = 'business' | 'evening' | 'sleep' | 'weekend';

export const INTERRUPTION_BANDS: readonly InterruptionBand[] = [
  'business',
  'evening',
  'sleep',
  'weekend',
];

export interface LocalMoment {
  timeZone: string;
  /** 1 = Monday .. 7 = Sunday (ISO). */
  weekday: number;
  hour: number;
  band: InterruptionBand;
}

/** A usable IANA zone name, or undefined. */
export function validTimeZone(zone: string | undefined): string | undefined {
  return zone && IANAZone.isValidZone(zone) ? zone : undefined;
}

/** `at` in `timeZone` (DST applied by luxon), with its band. */
export function localMoment(at: Date | string, timeZone: string): LocalMoment {
  const local = DateTime.fromJSDate(new Date(at)).setZone(timeZone);
  const { weekday, hour } = local;
  return { timeZone, weekday, hour, band: bandOf(weekday, hour) };
}

export function bandOf(weekday: number, hour: number): InterruptionBand {
  if (hour >= 22 || hour < 8) {
    return 'sleep';
  }
  if (weekday >= 6) {
    return 'weekend';
  }
  return hour >= 18 ? 'evening' : 'business';
}
