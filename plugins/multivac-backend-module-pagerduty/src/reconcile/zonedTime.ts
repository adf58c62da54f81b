/*
 * Wall-clock times in an IANA zone, with Intl only: what the schedule
 * mapping needs to turn a Schedule's local hand-offs into PagerDuty's
 * date-times with offsets, and back.
 */

/** A wall-clock time, month 1..12. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time in the zone at the instant (ms). */
export function toLocal(instant: number, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .map(p => [p.type, Number(p.value)]),
  );
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** The local time read as if it were UTC: for arithmetic on wall clocks. */
export function naive(local: LocalTime): number {
  return Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
  );
}

export function fromNaive(ms: number): LocalTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** Offset of the zone from UTC at the instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  return naive(toLocal(instant, timeZone)) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a wall-clock time in the zone; a time skipped by a
 * daylight-saving change moves forward, as luxon does.
 */
export function toInstant(local: LocalTime, timeZone: string): number {
  const guess = naive(local);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return first === second ? first : Math.max(first, second);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-01-05T09:00:00+01:00`: the instant as the zone's wall clock. */
export function formatInZone(instant: number, timeZone: string): string {
  const local = toLocal(instant, timeZone);
  const offsetMinutes = Math.round(offsetAt(instant, timeZone) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${formatLocal(local, true)}${sign}${pad(Math.floor(abs / 60))}:${pad(
    abs % 60,
  )}`;
}

/** `2026-01-05T09:00` (with `:ss` when asked or not zero). */
export function formatLocal(local: LocalTime, seconds = false): string {
  const time = `${pad(local.hour)}:${pad(local.minute)}`;
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}T${time}${
    seconds || local.second ? `:${pad(local.second)}` : ''
  }`;
}

/** ISO weekday, 1 for Monday to 7 for Sunday. */
export function isoWeekday(local: LocalTime): number {
  const day = new Date(naive(local)).getUTCDay();
  return day === 0 ? 7 : day;
}

const ISO_WITH_ZONE = /(Z|[+-]\d{2}(:?\d{2})?)$/i;
const ISO_LOCAL =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/**
 * An ISO date or date-time as the schedule rules read it: with an offset,
 * that instant; without, a wall-clock time in the zone (a date alone at
 * `timeOfDay`, 'HH:mm').
 */
export function parseInZone(
  value: string,
  timeZone: string,
  timeOfDay = '00:00',
): { instant: number; local: LocalTime } {
  if (value.includes('T') && ISO_WITH_ZONE.test(value)) {
    const instant = Date.parse(value);
    return { instant, local: toLocal(instant, timeZone) };
  }
  const m = ISO_LOCAL.exec(value);
  if (!m) {
    throw new Error(`'${value}' is not an ISO date or date-time`);
  }
  const [hour, minute] = m[4]
    ? [Number(m[4]), Number(m[5])]
    : timeOfDay.split(':').map(Number);
  const local = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour,
    minute,
    second: m[6] ? Number(m[6]) : 0,
  };
  return { instant: toInstant(local, timeZone), local };
}
