import {
  OnCallPerson,
  OnCallShiftInfo,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { formatDateTime } from '../../formatTime';

/**
 * A time in the viewer's local time with the zone named, e.g. "Nov 23,
 * 2026, 9:00 AM CET" (see {@link formatDateTime}).
 */
export function formatWhen(time: string | number): string {
  return formatDateTime(time);
}

/** A stable colour per person, derived from their catalog ref or name. */
export function personColor(person: OnCallPerson): string {
  const key = person.userRef ?? person.name;
  let hash = 0;
  for (let i = 0; i < key.length; i++) {
    hash = (hash * 31 + key.charCodeAt(i)) | 0;
  }
  const hue = Math.abs(hash) % 360;
  return `hsl(${hue}, 55%, 40%)`;
}

interface Span {
  /** Epoch milliseconds, clipped to the window. */
  start: number;
  end: number;
  /** Position and size in percent of the window. */
  left: number;
  width: number;
}

export type TimelineSegment =
  | (Span & { kind: 'shift'; shift: OnCallShiftInfo })
  | (Span & { kind: 'gap' });

/**
 * Lays the shifts out over the window [from, to): each shift clipped to the
 * window, and a gap wherever nobody is on call.
 */
export function layoutTimeline(
  shifts: OnCallShiftInfo[],
  from: number,
  to: number,
): TimelineSegment[] {
  const total = to - from;
  const span = (start: number, end: number): Span => ({
    start,
    end,
    left: ((start - from) / total) * 100,
    width: ((end - start) / total) * 100,
  });

  const clipped = shifts
    .map(shift => ({
      shift,
      start: Math.max(from, Date.parse(shift.start)),
      end: Math.min(to, Date.parse(shift.end)),
    }))
    .filter(s => s.end > s.start)
    .sort((a, b) => a.start - b.start);

  const segments: TimelineSegment[] = [];
  let covered = from;
  for (const { shift, start, end } of clipped) {
    if (start > covered) {
      segments.push({ kind: 'gap', ...span(covered, start) });
    }
    segments.push({ kind: 'shift', shift, ...span(start, end) });
    covered = Math.max(covered, end);
  }
  if (covered < to) {
    segments.push({ kind: 'gap', ...span(covered, to) });
  }
  return segments;
}

export interface TimelineDay extends Span {
  /** e.g. "Mon 23". */
  label: string;
  /** Whether the day starts inside the window (and so gets a tick). */
  startsInWindow: boolean;
}

/** The viewer's local days that overlap the window [from, to). */
export function timelineDays(from: number, to: number): TimelineDay[] {
  const total = to - from;
  const days: TimelineDay[] = [];
  for (
    let day = DateTime.fromMillis(from).startOf('day');
    day.toMillis() < to;
    day = day.plus({ days: 1 })
  ) {
    const start = Math.max(from, day.toMillis());
    const end = Math.min(to, day.plus({ days: 1 }).toMillis());
    days.push({
      label: day.toFormat('ccc d'),
      startsInWindow: day.toMillis() >= from,
      start,
      end,
      left: ((start - from) / total) * 100,
      width: ((end - start) / total) * 100,
    });
  }
  return days;
}
