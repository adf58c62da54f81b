import { DateTime } from 'luxon';

/** A time in the viewer's zone, saying which zone: `23 Nov 2026, 11:00 CET`. */
export function alertTime(iso: string): string {
  const time = DateTime.fromISO(iso).toLocal();
  return `${time.toLocaleString(DateTime.DATETIME_MED)} ${
    time.offsetNameShort ?? time.zoneName
  }`;
}
