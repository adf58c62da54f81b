import { Release } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { CSSProperties } from 'react';
import {
  entityName,
  RELEASE_STATUS_COLORS,
  releaseConflicts,
} from '../ReleaseParts';

export type CalendarView = 'month' | 'week' | 'day';

export interface ReleaseEvent {
  release: Release;
  title: string;
  start: Date;
  end: Date;
  /** The conflict sentences, for the tooltip. */
  tooltip: string;
  /** Each conflict's sentence, shown in the event itself. */
  conflicts: string[];
}

const RANGE_UNIT: Record<CalendarView, 'month' | 'week' | 'day'> = {
  month: 'month',
  week: 'week',
  day: 'day',
};

/**
 * The times a view of `date` shows; a month view shows whole (ISO, Monday
 * first) weeks.
 */
export function visibleRange(date: Date, view: CalendarView) {
  const unit = RANGE_UNIT[view];
  let from = DateTime.fromJSDate(date).startOf(unit);
  let to = DateTime.fromJSDate(date).endOf(unit);
  if (view === 'month') {
    from = from.startOf('week');
    to = to.endOf('week');
  }
  return { from: from.toUTC().toISO()!, to: to.toUTC().toISO()! };
}

export function toReleaseEvent(release: Release): ReleaseEvent {
  const conflicts = releaseConflicts(release);
  const warning = conflicts.length > 0 ? '⚠ ' : '';
  return {
    release,
    title: `${warning}${entityName(release.entityRef)} ${release.title} · ${
      release.environment
    }`,
    start: new Date(release.start),
    end: new Date(release.end),
    tooltip: [
      `${release.reference}: ${entityName(release.entityRef)} ${
        release.title
      } (${release.environment}, ${release.status})`,
      ...(release.forced ? [`Forced: ${release.forced.reason}`] : []),
      ...conflicts.map(conflict => `⚠ ${conflict.sentence}`),
    ].join('\n'),
    conflicts: conflicts.map(conflict => conflict.sentence),
  };
}

/**
 * Coloured by status; releases outside production are lighter with a dashed
 * outline; one with conflicts has a thick red left border.
 */
export function eventStyle(
  release: Release,
  productionEnvironment: string,
): CSSProperties {
  const conflicted = releaseConflicts(release).length > 0;
  const production = release.environment === productionEnvironment;
  return {
    backgroundColor: RELEASE_STATUS_COLORS[release.status],
    opacity: production ? 1 : 0.7,
    border: production ? undefined : '1px dashed #fff',
    borderLeft: conflicted ? '6px solid #d50000' : undefined,
    color: '#fff',
    textDecoration: release.status === 'cancelled' ? 'line-through' : undefined,
  };
}
