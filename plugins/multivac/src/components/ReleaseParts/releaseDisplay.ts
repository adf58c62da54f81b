import { parseEntityRef } from '@backstage/catalog-model';
import {
  Release,
  ReleaseConflict,
  ReleaseStatus,
} from '@multivac/plugin-multivac-common';

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

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const time = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
});

/** "Tue, 24 Nov, 15:00 – 15:30" in the viewer's time zone. */
export function formatWindow(start: string, end: string): string {
  const from = new Date(start);
  const to = new Date(end);
  const sameDay = from.toDateString() === to.toDateString();
  return `${dateTime.format(from)} – ${(sameDay ? time : dateTime).format(to)}`;
}

/**
 * A release's conflicts: as they stand now when it was listed with
 * `withConflicts`, else those it was forced past when booked.
 */
export function releaseConflicts(release: Release): ReleaseConflict[] {
  return release.conflicts ?? release.forced?.conflicts ?? [];
}
