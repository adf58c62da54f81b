import { DateTime, DateTimeFormatOptions } from 'luxon';

/** Intl's narrow and no-break spaces ("8:00\u202fAM") as plain ones. */
function plainSpaces(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ');
}

/**
 * A time as the API gives it (ISO), as epoch milliseconds, or a Date.
 *
 * @public
 */
export type TimeInput = string | number | Date;

function toDateTime(time: TimeInput, zone?: string, locale?: string): DateTime {
  let dt: DateTime;
  if (typeof time === 'number') {
    dt = DateTime.fromMillis(time);
  } else if (time instanceof Date) {
    dt = DateTime.fromJSDate(time);
  } else {
    dt = DateTime.fromISO(time);
  }
  dt = zone ? dt.setZone(zone) : dt.toLocal();
  return locale ? dt.setLocale(locale) : dt;
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

function abbreviationOf(dt: DateTime): string {
  const names = [dt.locale ?? 'en-US', ...ABBREVIATION_LOCALES].map(locale =>
    shortZoneName(dt, locale),
  );
  return names.find(name => name && !OFFSET_NAME.test(name)) ?? names[0];
}

/**
 * The zone of `time` as people abbreviate it, at that moment (so CET in
 * winter, CEST in summer): "UTC", "CET", "EST", "BST"; where no
 * abbreviation is in use, the offset ("GMT+9"). Without `zone`, the zone of
 * the runtime (the viewer's, in a browser).
 *
 * @public
 */
export function zoneAbbreviation(time: TimeInput, zone?: string): string {
  return abbreviationOf(toDateTime(time, zone));
}

/**
 * How a time is shown: in which zone, and for which reader.
 *
 * @public
 */
export interface FormatTimeOptions {
  /**
   * An IANA zone (a schedule's, or the reader's when they are not the
   * runtime, as for the terminal shell); by default the runtime's own, which
   * in the portal is the viewer's.
   */
  zone?: string;
  /** Show seconds too (timelines). */
  seconds?: boolean;
  /** A BCP 47 locale; by default the runtime's (the viewer's, in a browser). */
  locale?: string;
}

/**
 * A date and time with its zone named, in the viewer's zone unless one is
 * given: "Dec 7, 2026, 8:00 AM CET". Every time Multivac shows people (the
 * portal, the terminal shell) goes through this or {@link formatTimeOfDay},
 * so none is without its zone.
 *
 * @public
 */
export function formatDateTime(
  time: TimeInput,
  options: FormatTimeOptions = {},
): string {
  const dt = toDateTime(time, options.zone, options.locale);
  const format: DateTimeFormatOptions = options.seconds
    ? DateTime.DATETIME_MED_WITH_SECONDS
    : DateTime.DATETIME_MED;
  return plainSpaces(`${dt.toLocaleString(format)} ${abbreviationOf(dt)}`);
}

/**
 * A time of day with its zone named: "9:00 AM CET".
 *
 * @public
 */
export function formatTimeOfDay(
  time: TimeInput,
  zone?: string,
  locale?: string,
): string {
  const dt = toDateTime(time, zone, locale);
  return plainSpaces(
    `${dt.toLocaleString(DateTime.TIME_SIMPLE)} ${abbreviationOf(dt)}`,
  );
}

/**
 * A time in the viewer's zone and, where the schedule's zone shows another
 * clock time, in the schedule's too: "Dec 7, 2026, 7:00 AM UTC (8:00 AM CET
 * schedule time)". Used where the schedule's zone is the point, such as the
 * end of an on-call shift. `viewer.zone` is the reader's zone when it is not
 * the runtime's (the shell's user, on the backend).
 *
 * @public
 */
export function formatWithScheduleTime(
  time: TimeInput,
  scheduleZone: string,
  viewer: Pick<FormatTimeOptions, 'zone' | 'locale'> = {},
): string {
  const here = toDateTime(time, viewer.zone);
  const schedule = toDateTime(time, scheduleZone);
  const text = formatDateTime(time, viewer);
  if (!schedule.isValid || schedule.offset === here.offset) {
    return text;
  }
  const sameDay = schedule.toISODate() === here.toISODate();
  const there = sameDay
    ? formatTimeOfDay(time, scheduleZone, viewer.locale)
    : formatDateTime(time, { zone: scheduleZone, locale: viewer.locale });
  return `${text} (${there} schedule time)`;
}
