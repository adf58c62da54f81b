import { zoneAbbreviation } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';

/**
 * The day (YYYY-MM-DD, in `zone`) that is `businessDays` working days
 * (Monday to Friday) after the day of `instant`: resolved on a Friday with
 * 5 days → the next Friday; on a Saturday → the Friday after.
 */
export function businessDaysAfter(
  instant: string,
  businessDays: number,
  zone: string,
): string {
  let day = DateTime.fromISO(instant, { zone }).startOf('day');
  for (let left = businessDays; left > 0; ) {
    day = day.plus({ days: 1 });
    if (day.weekday <= 5) {
      left -= 1;
    }
  }
  return day.toISODate()!;
}

/** The calendar day (YYYY-MM-DD) in `zone` at `at`. */
export function localDate(zone: string, at: Date = new Date()): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

/**
 * `2026-11-23 09:15 CET`: a time as people in `zone` read it, the zone
 * named as people abbreviate it (`zoneAbbreviation`).
 */
export function formatLocalTime(instant: string, zone: string): string {
  return `${DateTime.fromISO(instant, { zone }).toFormat(
    'yyyy-MM-dd HH:mm',
  )} ${zoneAbbreviation(instant, zone)}`;
}
