import { DateTime, DateTimeFormatOptions } from 'luxon';

/** Intl's narrow and no-break spaces ("8:00\u202fAM") as plain ones. */
function plainSpaces(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ');
}

/** A time as the API gives it (ISO), as epoch milliseconds, or a Date. */
export type TimeInput = string | number | Date;

function toDateTime(time: TimeInput, zone?: string): DateTime {
  let dt: DateTime;
  if (typeof time === 'number') {
    dt = DateTime.fromMillis(time);
  } else if (time instanceof Date) {
    dt = DateTime.fromJSDate(time);
  } else {
    dt = DateTime.fromISO(time);
  }
  return zone ? dt.setZone(zone) : dt.toLocal();
}

/**
 * English locales whose short zone names are abbreviations people use
 * ("EST", "CET", "BST", "IST", "AEDT") where the viewer's own locale only has
 * an offset ("GMT+1").
 */
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU'];
const OFFSET_NAME = /^(GMT|UTC)[+\-\u2212]/;

function shortZoneName(dt: DateTime, locale: string): string {
  return (
    new Intl.DateTimeFormat(locale, {
      timeZone: dt.zoneName ?? undefined,
      timeZoneName: 'short',
    })
      .formatToParts(dt.toJSDate())
      .find(part => part.type === 'timeZoneName')?.value ?? ''
  );
}

/**
 * The zone of `time` as people abbreviate it, at that moment (so CET in
 * winter, CEST in summer): "UTC", "CET", "EST", "BST"; where no
 * abbreviation is in use, the offset ("GMT+9").
 */
export function zoneAbbreviation(time: TimeInput, zone?: string): string {
  const dt = toDateTime(time, zone);
  const names = [dt.locale ?? 'en-US', ...ABBREVIATION_LOCALES].map(locale =>
    shortZoneName(dt, locale),
  );
  return names.find(name => name && !OFFSET_NAME.test(name)) ?? names[0];
}

export interface FormatTimeOptions {
  /** An IANA zone (a schedule's); by default the viewer's own. */
  zone?: string;
  /** Show seconds too (timelines). */
  seconds?: boolean;
}

/**
 * A date and time with its zone named, in the viewer's zone unless one is
 * given: "Dec 7, 2026, 8:00 AM CET". Every time the portal shows goes
 * through this (or {@link formatTimeOfDay}), so none is without its zone.
 */
export function formatDateTime(
  time: TimeInput,
  options: FormatTimeOptions = {},
): string {
  const dt = toDateTime(time, options.zone);
  const format: DateTimeFormatOptions = options.seconds
    ? DateTime.DATETIME_MED_WITH_SECONDS
    : DateTime.DATETIME_MED;
  return plainSpaces(
    `${dt.toLocaleString(format)} ${zoneAbbreviation(
      dt.toMillis(),
      dt.zoneName ?? undefined,
    )}`,
  );
}

/** A time of day with its zone named: "9:00 AM CET". */
export function formatTimeOfDay(time: TimeInput, zone?: string): string {
  const dt = toDateTime(time, zone);
  return plainSpaces(
    `${dt.toLocaleString(DateTime.TIME_SIMPLE)} ${zoneAbbreviation(
      dt.toMillis(),
      dt.zoneName ?? undefined,
    )}`,
  );
}

/**
 * A time in the viewer's zone and, where the schedule's zone shows another
 * clock time, in the schedule's too: "Dec 7, 2026, 7:00 AM UTC (8:00 AM CET
 * schedule time)". Used where the schedule's zone is the point, such as the
 * end of an on-call shift.
 */
export function formatWithScheduleTime(
  time: TimeInput,
  scheduleZone: string,
): string {
  const viewer = toDateTime(time);
  const schedule = toDateTime(time, scheduleZone);
  const text = formatDateTime(time);
  if (!schedule.isValid || schedule.offset === viewer.offset) {
    return text;
  }
  const sameDay = schedule.toISODate() === viewer.toISODate();
  const there = sameDay
    ? formatTimeOfDay(time, scheduleZone)
    : formatDateTime(time, { zone: scheduleZone });
  return `${text} (${there} schedule time)`;
}
