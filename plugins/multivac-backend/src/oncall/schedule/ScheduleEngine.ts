import { DateTime, Duration } from 'luxon';
import {
  EscalationLevelDefinition,
  EscalationStep,
  RotationLayer,
  RotationRestriction,
  ScheduleDefinition,
  Shift,
  Weekday,
  WEEKDAYS,
} from './types';

/** How far onCallAt looks back and ahead, and how far nextShift searches. */
const SEARCH_HORIZON = Duration.fromObject({ weeks: 8 });

const DEFAULT_ESCALATION: EscalationLevelDefinition[] = [
  { timeoutMinutes: 15, targets: [{ type: 'schedule' }] },
];

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

interface Turn {
  /** How many hand-offs happened between the rotation epoch and this turn. */
  index: number;
  start: DateTime;
  end: DateTime;
}

interface Rotation {
  epoch: DateTime;
  /** The turn containing `at`, which must not be before the epoch. */
  turnAt(at: DateTime): Turn;
  following(turn: Turn): Turn;
}

interface Window {
  start: DateTime;
  end: DateTime;
}

/** The layer's shifts intersecting [from, to), in the schedule's time zone. */
export function layerShifts(
  layer: RotationLayer,
  timeZone: string,
  from: DateTime,
  to: DateTime,
): Shift[] {
  const rotation = rotationOf(layer, timeZone);
  const rangeStart = DateTime.max(from.setZone(timeZone), rotation.epoch);
  const rangeEnd = to.setZone(timeZone);
  if (rangeStart >= rangeEnd) {
    return [];
  }
  const memberOf = (turn: Turn) =>
    layer.members[turn.index % layer.members.length];

  if (!layer.restrictions) {
    const shifts: Shift[] = [];
    for (
      let turn = rotation.turnAt(rangeStart);
      turn.start < rangeEnd;
      turn = rotation.following(turn)
    ) {
      shifts.push({
        userRef: memberOf(turn),
        start: DateTime.max(turn.start, rangeStart),
        end: DateTime.min(turn.end, rangeEnd),
        source: layer.name,
      });
    }
    return shifts;
  }

  // A window belongs wholly to whoever's turn it starts in, even if a hand-off
  // falls inside it.
  return restrictionWindows(layer.restrictions, rangeStart, rangeEnd).map(
    window => ({
      userRef: memberOf(
        rotation.turnAt(DateTime.max(window.start, rotation.epoch)),
      ),
      start: DateTime.max(window.start, rangeStart),
      end: DateTime.min(window.end, rangeEnd),
      source: layer.name,
    }),
  );
}

/**
 * The schedule as paged over [from, to): later layers win where they have
 * someone on call, overrides win over all layers (later overrides over
 * earlier ones); gaps have no shift.
 */
export function finalShifts(
  schedule: ScheduleDefinition,
  from: DateTime,
  to: DateTime,
): Shift[] {
  if (schedule.versions) {
    return versionedShifts(schedule, schedule.versions, from, to);
  }
  const { timeZone } = schedule;
  const rangeStart = from.setZone(timeZone);
  const rangeEnd = to.setZone(timeZone);
  if (rangeStart >= rangeEnd) {
    return [];
  }

  let visible: Shift[] = [];
  for (const layer of schedule.layers) {
    visible = paintOver(
      visible,
      layerShifts(layer, timeZone, rangeStart, rangeEnd),
    );
  }
  for (const override of schedule.overrides ?? []) {
    const start = DateTime.max(
      DateTime.fromISO(override.start, { zone: timeZone }),
      rangeStart,
    );
    const end = DateTime.min(
      DateTime.fromISO(override.end, { zone: timeZone }),
      rangeEnd,
    );
    if (start < end) {
      visible = paintOver(visible, [
        { userRef: override.userRef, start, end, source: 'override' },
      ]);
    }
  }
  return mergeAdjacent(visible);
}

/**
 * The final shift containing `at`, with its full extent as far as it lies
 * within 8 weeks either side of `at`.
 */
export function onCallAt(
  schedule: ScheduleDefinition,
  at: DateTime,
): Shift | undefined {
  const moment = at.setZone(schedule.timeZone);
  return finalShifts(
    schedule,
    moment.minus(SEARCH_HORIZON),
    moment.plus(SEARCH_HORIZON),
  ).find(shift => shift.start <= moment && moment < shift.end);
}

/**
 * The next hand-off after `at`: the first final shift, starting within 8
 * weeks, that belongs to someone else than the current on-call person or
 * follows a gap. A current person's contiguous shift from another source (an
 * override of themselves, say) does not count as a hand-off.
 */
export function nextShift(
  schedule: ScheduleDefinition,
  at: DateTime,
): Shift | undefined {
  const moment = at.setZone(schedule.timeZone);
  const searchEnd = moment.plus(SEARCH_HORIZON);
  // Look further than the search so the next shift's end is not cut short.
  const shifts = finalShifts(schedule, moment, searchEnd.plus(SEARCH_HORIZON));

  let index = 0;
  const current =
    shifts[0] && +shifts[0].start === +moment ? shifts[0] : undefined;
  if (current) {
    index = 1;
    let currentEnd = current.end;
    while (
      index < shifts.length &&
      +shifts[index].start === +currentEnd &&
      shifts[index].userRef === current.userRef
    ) {
      currentEnd = shifts[index].end;
      index++;
    }
  }
  const next = shifts[index];
  return next && next.start < searchEnd ? next : undefined;
}

/**
 * Who is paged at each escalation level for an alert raised at `at`. A user
 * target is shown as a one-day shift from `at` with source 'escalation'.
 */
export function escalationChain(
  schedule: ScheduleDefinition,
  at: DateTime,
): EscalationStep[] {
  const moment = at.setZone(schedule.timeZone);
  const scheduled = onCallAt(schedule, moment);
  const escalation = versionAt(schedule, moment).escalation;
  return (escalation ?? DEFAULT_ESCALATION).map((level, index) => ({
    level: index + 1,
    timeoutMinutes: level.timeoutMinutes,
    onCall: level.targets.flatMap((target): Shift[] => {
      if (target.type === 'schedule') {
        return scheduled ? [scheduled] : [];
      }
      return [
        {
          userRef: target.userRef,
          start: moment,
          end: moment.plus({ days: 1 }),
          source: 'escalation',
        },
      ];
    }),
  }));
}

/**
 * The version of a schedule with history that applies at `at`: the one
 * whose span contains it, else the latest (the schedule itself).
 */
export function versionAt(
  schedule: ScheduleDefinition,
  at: DateTime,
): ScheduleDefinition {
  const span = schedule.versions?.find(
    v =>
      (v.from === undefined || DateTime.fromISO(v.from) <= at) &&
      (v.until === undefined || at < DateTime.fromISO(v.until)),
  );
  return span ? span.schedule : schedule;
}

/** Each version's shifts within its span, joined in time order. */
function versionedShifts(
  schedule: ScheduleDefinition,
  versions: NonNullable<ScheduleDefinition['versions']>,
  from: DateTime,
  to: DateTime,
): Shift[] {
  const rangeStart = from.setZone(schedule.timeZone);
  const rangeEnd = to.setZone(schedule.timeZone);
  const shifts: Shift[] = [];
  for (const version of versions) {
    const start = version.from
      ? DateTime.max(rangeStart, DateTime.fromISO(version.from))
      : rangeStart;
    const end = version.until
      ? DateTime.min(rangeEnd, DateTime.fromISO(version.until))
      : rangeEnd;
    if (start < end) {
      // A version has no history of its own.
      const plain = { ...version.schedule, versions: undefined };
      shifts.push(
        ...finalShifts(plain, start, end).map(shift => ({
          ...shift,
          start: shift.start.setZone(schedule.timeZone),
          end: shift.end.setZone(schedule.timeZone),
        })),
      );
    }
  }
  return mergeAdjacent(shifts.sort((a, b) => +a.start - +b.start));
}

function rotationOf(layer: RotationLayer, timeZone: string): Rotation {
  const { rotation } = layer;
  const dateOnly = DATE_ONLY.test(layer.start);
  const startDate = DateTime.fromISO(layer.start, { zone: timeZone });

  if (rotation.type === 'custom') {
    return customRotation(startDate, rotation.hours);
  }
  const epoch = dateOnly
    ? atLocalTime(startDate, layer.handoffTime)
    : startDate;
  return rotation.type === 'daily'
    ? calendarRotation(epoch, layer.handoffTime, day => day, 'days')
    : calendarRotation(
        epoch,
        layer.handoffTime,
        day =>
          day.minus({
            days: (day.weekday - weekdayNumber(rotation.handoffDay) + 7) % 7,
          }),
        'weeks',
      );
}

function customRotation(epoch: DateTime, hours: number): Rotation {
  const turnLength = Duration.fromObject({ hours }).toMillis();
  const turn = (index: number): Turn => {
    const start = epoch.plus({ milliseconds: index * turnLength });
    return { index, start, end: start.plus({ milliseconds: turnLength }) };
  };
  return {
    epoch,
    turnAt: at => turn(Math.floor(at.diff(epoch).toMillis() / turnLength)),
    following: previous => turn(previous.index + 1),
  };
}

/**
 * Hand-offs at a local wall-clock time on every day (or week), so a turn
 * spanning a daylight-saving change is an hour shorter or longer.
 *
 * @param handoffDayOnOrBefore - the start of the local day of the latest
 *   hand-off day on or before the given local day
 */
function calendarRotation(
  epoch: DateTime,
  handoffTime: string,
  handoffDayOnOrBefore: (day: DateTime) => DateTime,
  period: 'days' | 'weeks',
): Rotation {
  const handoffOnOrBefore = (at: DateTime) => {
    const day = handoffDayOnOrBefore(at.startOf('day'));
    const handoff = atLocalTime(day, handoffTime);
    return handoff <= at
      ? handoff
      : atLocalTime(day.minus({ [period]: 1 }), handoffTime);
  };
  const handoffAfter = (handoff: DateTime) =>
    atLocalTime(handoff.startOf('day').plus({ [period]: 1 }), handoffTime);
  const firstHandoff = handoffOnOrBefore(epoch);

  return {
    epoch,
    turnAt: at => {
      const handoff = handoffOnOrBefore(at);
      return {
        // A calendar diff, so 23- and 25-hour days still count as one day.
        // Rounding absorbs hand-offs moved by a daylight-saving gap.
        index: Math.round(handoff.diff(firstHandoff, period).get(period)),
        start: DateTime.max(handoff, epoch),
        end: handoffAfter(handoff),
      };
    },
    following: previous => ({
      index: previous.index + 1,
      start: previous.end,
      end: handoffAfter(previous.end),
    }),
  };
}

/**
 * The restriction windows intersecting [from, to), sorted, with overlapping
 * windows joined.
 */
function restrictionWindows(
  restrictions: RotationRestriction[],
  from: DateTime,
  to: DateTime,
): Window[] {
  const windows: Window[] = [];
  // Start a day early for windows that run past midnight into the range.
  for (
    let day = from.startOf('day').minus({ days: 1 });
    day < to;
    day = day.plus({ days: 1 })
  ) {
    for (const restriction of restrictions) {
      if (!restriction.days.some(d => weekdayNumber(d) === day.weekday)) {
        continue;
      }
      const start = atLocalTime(day, restriction.from);
      const endDay =
        restriction.to > restriction.from ? day : day.plus({ days: 1 });
      const end = atLocalTime(endDay, restriction.to);
      // start >= end only if daylight saving skips the whole window.
      if (start < end && start < to && end > from) {
        windows.push({ start, end });
      }
    }
  }

  windows.sort((a, b) => +a.start - +b.start);
  const joined: Window[] = [];
  for (const window of windows) {
    const last = joined[joined.length - 1];
    if (last && window.start < last.end) {
      last.end = DateTime.max(last.end, window.end);
    } else {
      joined.push({ ...window });
    }
  }
  return joined;
}

/**
 * Lays `above` (sorted, non-overlapping) over `below` (the same), keeping the
 * parts of `below` that `above` does not cover.
 */
function paintOver(below: Shift[], above: Shift[]): Shift[] {
  const visible: Shift[] = [];
  let firstRelevant = 0;
  for (const shift of below) {
    while (
      firstRelevant < above.length &&
      above[firstRelevant].end <= shift.start
    ) {
      firstRelevant++;
    }
    let uncoveredFrom = shift.start;
    for (
      let i = firstRelevant;
      i < above.length && above[i].start < shift.end;
      i++
    ) {
      if (above[i].start > uncoveredFrom) {
        visible.push({ ...shift, start: uncoveredFrom, end: above[i].start });
      }
      uncoveredFrom = DateTime.max(uncoveredFrom, above[i].end);
    }
    if (uncoveredFrom < shift.end) {
      visible.push({ ...shift, start: uncoveredFrom });
    }
  }
  return [...visible, ...above].sort((a, b) => +a.start - +b.start);
}

function mergeAdjacent(shifts: Shift[]): Shift[] {
  const merged: Shift[] = [];
  for (const shift of shifts) {
    const last = merged[merged.length - 1];
    if (
      last &&
      +last.end === +shift.start &&
      last.userRef === shift.userRef &&
      last.source === shift.source
    ) {
      merged[merged.length - 1] = { ...last, end: shift.end };
    } else {
      merged.push(shift);
    }
  }
  return merged;
}

/** The given local day at 'HH:mm'; a time skipped by daylight saving moves later. */
function atLocalTime(day: DateTime, time: string): DateTime {
  const [hour, minute] = time.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

function weekdayNumber(day: Weekday): number {
  return WEEKDAYS.indexOf(day) + 1;
}
