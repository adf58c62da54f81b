import { parseEntityRef } from '@backstage/catalog-model';
import {
  Release,
  ReleaseConflict,
  ReleaseStatus,
} from '@multivac/plugin-multivac-common';
import { DateTime, DateTimeFormatOptions } from 'luxon';
import { zoneAbbreviation } from '../../formatTime';

/** Intl's narrow and no-break spaces as plain ones. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

export const RELEASE_STATUS_LABELS: Record<ReleaseStatus, string> = {
  planned: 'Planned',
  in_progress: 'In progress',
  done: 'Done',
  rolled_back: 'Rolled back',
  cancelled: 'Cancelled',
};

export const RELEASE_STATUS_COLORS: Record<ReleaseStatus, string> = {
  planned: '#1565c0',
  in_progress: '#ef6c00',
  done: '#2e7d32',
  rolled_back: '#6a1b9a',
  cancelled: '#757575',
};

/** `component:default/payments-api` → `payments-api`. */
export function entityName(ref: string): string {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

const DAY_AND_TIME: DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
};
const TIME: DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };

/**
 * "Tue, 24 Nov, 15:00 – 15:30 CET" in the viewer's time zone, named (each
 * end its own where summer time begins or ends in between).
 */
export function formatWindow(start: string, end: string): string {
  const from = DateTime.fromISO(start).toLocal();
  const to = DateTime.fromISO(end).toLocal();
  const zone = zoneAbbreviation(start);
  const toZone = zoneAbbreviation(end);
  const sameDay = from.hasSame(to, 'day');
  return plain(
    `${from.toLocaleString(DAY_AND_TIME)}${
      zone === toZone ? '' : ` ${zone}`
    } – ${to.toLocaleString(sameDay ? TIME : DAY_AND_TIME)} ${toZone}`,
  );
}

/**
 * A release's conflicts: as they stand now when it was listed with
 * `withConflicts`, else those it was forced past when booked.
 */
export function releaseConflicts(release: Release): ReleaseConflict[] {
  return release.conflicts ?? release.forced?.conflicts ?? [];
}
