import { DateTime } from 'luxon';
import { RRule } from 'rrule';
import { FreezeDefinition } from '../settings';

export interface Interval {
  /** Epoch milliseconds. */
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;

/** The instant's wall-clock time in `zone`, as a floating (UTC-field) Date. */
function toFloating(at: number, zone: string): Date {
  const local = DateTime.fromMillis(at, { zone });
  return new Date(
    Date.UTC(
      local.year,
      local.month - 1,
      local.day,
      local.hour,
      local.minute,
      local.second,
    ),
  );
}

/** A floating Date's wall-clock time read in `zone`, as epoch milliseconds. */
function fromFloating(floating: Date, zone: string): number {
  return DateTime.fromObject(
    {
      year: floating.getUTCFullYear(),
      month: floating.getUTCMonth() + 1,
      day: floating.getUTCDate(),
      hour: floating.getUTCHours(),
      minute: floating.getUTCMinutes(),
      second: floating.getUTCSeconds(),
    },
    { zone },
  ).toMillis();
}

/** A rule's occurrences by calendar year, computed once per year. */
const occurrencesByYear = new WeakMap<RRule, Map<number, Date[]>>();

/**
 * Floating occurrences from `from` to `to` (inclusive). The rule iterates
 * from its DTSTART on every call, so each year's occurrences are kept.
 */
function floatingOccurrences(rule: RRule, from: number, to: number): Date[] {
  let years = occurrencesByYear.get(rule);
  if (!years) {
    years = new Map();
    occurrencesByYear.set(rule, years);
  }
  const found: Date[] = [];
  const last = new Date(to).getUTCFullYear();
  for (let year = new Date(from).getUTCFullYear(); year <= last; year++) {
    let list = years.get(year);
    if (!list) {
      const next = Date.UTC(year + 1, 0, 1);
      list = rule
        .between(new Date(Date.UTC(year, 0, 1)), new Date(next), true)
        .filter(date => date.getTime() < next);
      years.set(year, list);
    }
    found.push(
      ...list.filter(date => date.getTime() >= from && date.getTime() <= to),
    );
  }
  return found;
}

/** The periods of `freeze` that overlap `window` (touching is not overlapping). */
export function freezePeriods(
  freeze: FreezeDefinition,
  window: Interval,
): Interval[] {
  if (freeze.type === 'once') {
    const period = {
      start: Date.parse(freeze.start),
      end: Date.parse(freeze.end),
    };
    return overlaps(period, window) ? [period] : [];
  }
  const durationMs = freeze.durationMinutes * 60_000;
  // A day either side covers any zone offset; exact overlaps are checked after.
  const from = toFloating(window.start - durationMs, freeze.timeZone);
  const to = toFloating(window.end, freeze.timeZone);
  return floatingOccurrences(
    freeze.rule,
    from.getTime() - DAY_MS,
    to.getTime() + DAY_MS,
  )
    .map(occurrence => {
      const start = fromFloating(occurrence, freeze.timeZone);
      return { start, end: start + durationMs };
    })
    .filter(period => overlaps(period, window));
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Whole minutes two overlapping intervals share, rounded up. */
export function overlapMinutes(a: Interval, b: Interval): number {
  const ms = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  return Math.ceil(ms / 60_000);
}

/**
 * Whether the freeze covers a release of `entityRef` (lower-case, like the
 * scope's refs) into `environment`.
 */
export function freezeApplies(
  freeze: FreezeDefinition,
  release: {
    entityRef: string;
    environment: string;
    systems: string[];
    ownerRef?: string;
  },
): boolean {
  const { systems, groups, entities, environments } = freeze.scope;
  if (environments.length > 0 && !environments.includes(release.environment)) {
    return false;
  }
  if (systems.length + groups.length + entities.length === 0) {
    return true;
  }
  return (
    entities.includes(release.entityRef) ||
    systems.some(system => release.systems.includes(system)) ||
    (release.ownerRef !== undefined && groups.includes(release.ownerRef))
  );
}
