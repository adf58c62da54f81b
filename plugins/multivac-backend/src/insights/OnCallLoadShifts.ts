import { DateTime } from 'luxon';
import { finalShifts, ScheduleDefinition } from '../oncall/schedule';

/** One person's uninterrupted on-call time, in epoch milliseconds. */
export interface ShiftSpan {
  userRef: string;
  start: number;
  end: number;
}

/** Shifts are expanded and kept in pieces of this many milliseconds. */
export const SHIFT_CHUNK_MS = 7 * 86_400_000;
/** Schedules (by content) whose chunks are kept. */
const MAX_SCHEDULES = 1024;
/** Chunks kept per schedule (a year and a bit of weeks). */
const MAX_CHUNKS = 64;

/**
 * The schedule's shifts in [from, to) from the schedule engine (layers,
 * restrictions and overrides applied), where a person's adjacent shifts
 * (e.g. their own override next to their turn) are one shift.
 */
export function joinedShifts(
  schedule: ScheduleDefinition,
  from: number,
  to: number,
): ShiftSpan[] {
  return join(
    finalShifts(
      schedule,
      DateTime.fromMillis(from),
      DateTime.fromMillis(to),
    ).map(shift => ({
      userRef: shift.userRef,
      start: shift.start.toMillis(),
      end: shift.end.toMillis(),
    })),
  );
}

/**
 * Expanded shifts per schedule, kept by the schedule's content in weekly
 * chunks (aligned to the epoch), so a period is a concatenation of chunks
 * already expanded and only the chunks never asked for go to the schedule
 * engine. A schedule is a pure function of its definition (its versions,
 * layers and overrides included), so a changed definition (a new version,
 * an override) is a new key and never sees another's chunks.
 *
 * The engine's shifts in a period are its shifts of any wider period cut
 * to it, with one exception: a layer with several restrictions whose
 * windows overlap joins them into one window owned by whoever's turn it
 * starts in, and where such a chain starts depends on the period asked
 * for. Schedules with a layer of more than one restriction are therefore
 * expanded for the exact period on every call, not from chunks.
 */
export class ShiftCache {
  readonly #schedules = new Map<string, Map<number, ShiftSpan[]>>();

  /** As joinedShifts(schedule, from, to). */
  shifts(schedule: ScheduleDefinition, from: number, to: number): ShiftSpan[] {
    if (from >= to) {
      return [];
    }
    if (!chunkable(schedule)) {
      return joinedShifts(schedule, from, to);
    }
    const chunks = this.#chunksOf(schedule);
    const spans: ShiftSpan[] = [];
    const first = Math.floor(from / SHIFT_CHUNK_MS);
    const last = Math.floor((to - 1) / SHIFT_CHUNK_MS);
    for (let index = first; index <= last; index++) {
      let chunk = chunks.get(index);
      if (chunk) {
        // Most recently used last.
        chunks.delete(index);
      } else {
        chunk = joinedShifts(
          schedule,
          index * SHIFT_CHUNK_MS,
          (index + 1) * SHIFT_CHUNK_MS,
        );
      }
      chunks.set(index, chunk);
      for (const span of chunk) {
        const start = Math.max(span.start, from);
        const end = Math.min(span.end, to);
        if (start < end) {
          spans.push({ userRef: span.userRef, start, end });
        }
      }
    }
    while (chunks.size > MAX_CHUNKS) {
      chunks.delete(chunks.keys().next().value!);
    }
    return join(spans);
  }

  #chunksOf(schedule: ScheduleDefinition): Map<number, ShiftSpan[]> {
    const key = JSON.stringify(schedule);
    const chunks = this.#schedules.get(key) ?? new Map();
    this.#schedules.delete(key);
    this.#schedules.set(key, chunks);
    while (this.#schedules.size > MAX_SCHEDULES) {
      this.#schedules.delete(this.#schedules.keys().next().value!);
    }
    return chunks;
  }
}

/** Whether no layer (of any version) has more than one restriction. */
function chunkable(schedule: ScheduleDefinition): boolean {
  return [schedule, ...(schedule.versions ?? []).map(v => v.schedule)].every(
    version => version.layers.every(l => (l.restrictions?.length ?? 0) <= 1),
  );
}

/** Sorted spans with a person's adjacent spans made one. */
function join(spans: ShiftSpan[]): ShiftSpan[] {
  const joined: ShiftSpan[] = [];
  for (const span of spans) {
    const last = joined[joined.length - 1];
    if (last && last.userRef === span.userRef && last.end === span.start) {
      last.end = span.end;
    } else {
      joined.push({ ...span });
    }
  }
  return joined;
}
