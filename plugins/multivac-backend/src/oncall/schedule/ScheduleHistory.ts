import { DateTime } from 'luxon';
import { nextShift } from './ScheduleEngine';
import { ScheduleDefinition, ScheduleVersionSpan } from './types';

/** One version of a schedule as it was first seen. */
export interface SeenScheduleVersion {
  definition: ScheduleDefinition;
  /** ISO; undefined: since always. */
  effectiveFrom?: string;
  /** ISO: when the backend first saw this version. */
  seenAt: string;
}

/**
 * A schedule with its history, from its versions in the order they were
 * seen: each version applies from its `effectiveFrom` until the next
 * version's. A version not yet in effect when a newer one is seen never
 * takes effect (the newer one replaces it). The result's own fields are the
 * latest version's; with one version applying since always it is that
 * version as it stands.
 */
export function scheduleWithHistory(
  versions: SeenScheduleVersion[],
): ScheduleDefinition | undefined {
  if (versions.length === 0) {
    return undefined;
  }
  let starts: Array<{ from?: DateTime; schedule: ScheduleDefinition }> = [];
  for (const version of versions) {
    const seenAt = DateTime.fromISO(version.seenAt);
    const from =
      version.effectiveFrom !== undefined
        ? DateTime.fromISO(version.effectiveFrom)
        : undefined;
    starts = starts.filter(
      s => !s.from || (s.from <= seenAt && (!from || s.from < from)),
    );
    if (!from) {
      starts = [];
    }
    starts.push({ from, schedule: withoutHistory(version.definition) });
  }
  const latest = withoutHistory(versions[versions.length - 1].definition);
  if (starts.length === 1 && !starts[0].from) {
    return latest;
  }
  const spans: ScheduleVersionSpan[] = starts.map((start, index) => {
    const next = starts[index + 1];
    return {
      ...(start.from && { from: start.from.toUTC().toISO()! }),
      ...(next && { until: next.from!.toUTC().toISO()! }),
      schedule: start.schedule,
    };
  });
  return { ...latest, versions: spans };
}

/**
 * When a new version seen at `now` applies from: its own `effectiveFrom`,
 * but never before `now` once the schedule has a history (a change never
 * rewrites the past); without one, the next hand-off of the schedule as it
 * is, or `now` if it has none within the engine's horizon. The first
 * version applies from its `effectiveFrom` as written, or since always.
 */
export function effectiveFromOfNewVersion(options: {
  current: ScheduleDefinition | undefined;
  effectiveFrom?: string;
  now: DateTime;
}): string | undefined {
  const { current, effectiveFrom, now } = options;
  if (!current) {
    return effectiveFrom && DateTime.fromISO(effectiveFrom).toUTC().toISO()!;
  }
  if (effectiveFrom !== undefined) {
    return DateTime.max(DateTime.fromISO(effectiveFrom), now).toUTC().toISO()!;
  }
  const next = nextShift(current, now);
  return (next ? next.start : now).toUTC().toISO()!;
}

function withoutHistory(schedule: ScheduleDefinition): ScheduleDefinition {
  const { versions: _versions, ...plain } = schedule;
  return plain;
}
