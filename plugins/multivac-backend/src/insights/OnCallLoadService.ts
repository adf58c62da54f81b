import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_ONCALL_SCHEDULE,
  displayNameOf,
  OnCallLoad,
  OnCallLoadPerson,
  OnCallLoadSchedule,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { ScheduleDefinition } from '../oncall/schedule';
import { OverrideStore } from '../oncall/OverrideStore';
import { withOverrides } from '../oncall/OverriddenScheduleRegistry';
import { InsightsScope } from './InsightsService';
import {
  BAD_NIGHT_SIZE,
  BURST_SECONDS,
  LoadUnit,
  NightWindow,
  OnCallLoadStore,
  SRE_SHIFT_MS,
  UnitFigures,
} from './OnCallLoadStore';
import { joinedShifts, ShiftCache } from './OnCallLoadShifts';

const HOUR_MS = 3_600_000;
const LOOKUP_CHUNK = 200;
/** Shifts of a person this close on a schedule can share a burst. */
const BURST_MS = BURST_SECONDS * 1000;
/** Units whose figures are kept (a year of 200 teams' weekly shifts is ~10,000). */
const MAX_KEPT_UNITS = 50_000;

/** A stretch of one person's uninterrupted on-call time on a schedule. */
export interface PersonShift {
  userRef: string;
  start: DateTime;
  end: DateTime;
}

/**
 * The schedule's shifts in [from, to) from the schedule engine (layers,
 * restrictions and overrides applied), where a person's adjacent shifts
 * (e.g. their own override next to their turn) are one shift; times in
 * the schedule's zone.
 */
export function personShifts(
  schedule: ScheduleDefinition,
  from: Date,
  to: Date,
): PersonShift[] {
  const zone = schedule.timeZone;
  return joinedShifts(schedule, from.getTime(), to.getTime()).map(shift => ({
    userRef: shift.userRef,
    start: DateTime.fromMillis(shift.start, { zone }),
    end: DateTime.fromMillis(shift.end, { zone }),
  }));
}

/**
 * The nights 22:00–08:00 in `timeZone` that overlap [from, to), each named
 * by the local date of its evening.
 */
export function nightsIn(
  timeZone: string,
  from: Date,
  to: Date,
): NightWindow[] {
  const nights: NightWindow[] = [];
  let day = DateTime.fromJSDate(from, { zone: timeZone })
    .startOf('day')
    .minus({ days: 1 });
  const last = DateTime.fromJSDate(to, { zone: timeZone }).startOf('day');
  for (; day <= last; day = day.plus({ days: 1 })) {
    const start = day.set({ hour: 22 });
    const end = day.plus({ days: 1 }).set({ hour: 8 });
    if (end.toMillis() > from.getTime() && start.toMillis() < to.getTime()) {
      nights.push({
        timeZone,
        night: day.toISODate()!,
        start: start.toJSDate(),
        end: end.toJSDate(),
      });
    }
  }
  return nights;
}

/**
 * Gini coefficient of non-negative values: the mean absolute difference
 * of all pairs over twice the mean; null when all are zero (or none).
 */
export function gini(values: number[]): number | null {
  const n = values.length;
  const total = values.reduce((sum, v) => sum + v, 0);
  if (n === 0 || total === 0) {
    return null;
  }
  let differences = 0;
  for (const a of values) {
    for (const b of values) {
      differences += Math.abs(a - b);
    }
  }
  return round(differences / (2 * n * total), 4);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** One person's figures on one schedule. */
type PersonCounts = Pick<
  OnCallLoadPerson,
  'interruptions' | 'maxPerShift' | 'bursts' | 'badNights' | 'sreBreaches'
>;

/** A unit as the kept figures know it. */
interface UnitShape {
  /** The person and every shift's times. */
  key: string;
  /** The key but the last shift's end. */
  prefix: string;
  /** The key but the first shift's start. */
  suffix: string;
  /** The first shift's start and the last one's end. */
  start: number;
  end: number;
  /** The person's ledger revision read before computing. */
  revision: number;
}

/** A unit's figures as computed, with what they were computed for. */
interface KeptFigures extends UnitShape {
  figures: UnitFigures;
}

function shapeOf(unit: LoadUnit, revision: number): UnitShape {
  const times = unit.shifts.map(shift => `${shift.start}-${shift.end}`);
  const start = unit.shifts[0].start;
  const end = unit.shifts[unit.shifts.length - 1].end;
  const key = `${unit.userRef}\u0000${times.join(',')}`;
  return {
    key,
    prefix: key.slice(0, key.length - String(end).length),
    suffix: `${unit.userRef}\u0000${key.slice(
      unit.userRef.length + 1 + String(start).length,
    )}`,
    start,
    end,
    revision,
  };
}

/**
 * On-call load per built-in schedule and person: hours from the schedule
 * engine (expanded once per schedule version and week, ShiftCache), the
 * rest aggregated from the interruptions ledger in SQL per unit of a
 * person's shifts (OnCallLoadStore.figures). A unit's figures are kept and
 * reused while the person's ledger revision is unchanged, so a request
 * computes only what is new: the period's first and last shifts (cut by
 * the period) and the shifts of people whose ledger changed.
 */
export class OnCallLoadService {
  private readonly schedules: ScheduleDefinition[];
  private readonly overrides?: Pick<OverrideStore, 'listActive'>;

  constructor(options: {
    store: OnCallLoadStore;
    schedules: ScheduleDefinition[];
    /** Covers made in the portal, Slack or the shell, applied over the schedules. */
    overrides?: Pick<OverrideStore, 'listActive'>;
    catalog: CatalogService;
    auth: AuthService;
  }) {
    this.store = options.store;
    this.schedules = options.schedules;
    this.overrides = options.overrides;
    this.catalog = options.catalog;
    this.auth = options.auth;
  }

  private readonly store: OnCallLoadStore;
  /** Expanded shifts per schedule, kept across requests. */
  private readonly shifts = new ShiftCache();
  /** Figures per unit of shifts, with the person's ledger revision. */
  private readonly kept = new Map<string, KeptFigures>();
  /** The unit kept last for each unit but its end, and but its start. */
  private readonly byPrefix = new Map<string, string>();
  private readonly bySuffix = new Map<string, string>();
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;

  /**
   * The load over the scope's period on the team's schedules (every
   * built-in schedule without a team); with a person, only their rows
   * (each schedule's totals and Gini still cover everyone on it).
   */
  async load(scope: InsightsScope): Promise<OnCallLoad> {
    const { from, to } = scope.current;
    const [schedules, covers] = await Promise.all([
      scope.team ? this.schedulesOf(scope.team) : this.schedules,
      this.overrides?.listActive({ after: from }) ?? [],
    ]);
    const perSchedule = schedules.map(plain => {
      // Whoever covered a shift carries its load, as on the On call page.
      const schedule = withOverrides(plain, covers);
      return {
        schedule,
        shifts: this.shifts.shifts(schedule, from.getTime(), to.getTime()),
      };
    });
    // Each person's shifts on a schedule, in units no burst spans.
    const units: LoadUnit[] = [];
    const unitsOf = new Map<string, number[]>();
    for (const { schedule, shifts } of perSchedule) {
      const last = new Map<string, LoadUnit>();
      for (const shift of shifts) {
        const unit = last.get(shift.userRef);
        const previous = unit?.shifts[unit.shifts.length - 1];
        if (unit && previous && shift.start - previous.end < BURST_MS) {
          unit.shifts.push({ start: shift.start, end: shift.end });
          continue;
        }
        const next: LoadUnit = {
          userRef: shift.userRef,
          shifts: [{ start: shift.start, end: shift.end }],
        };
        last.set(shift.userRef, next);
        const key = `${schedule.id}\u0000${shift.userRef}`;
        const own = unitsOf.get(key) ?? [];
        own.push(units.length);
        unitsOf.set(key, own);
        units.push(next);
      }
    }
    const people = [...new Set(units.map(u => u.userRef))];
    const [figures, names] = await Promise.all([
      this.unitFigures(units, people),
      this.names(people),
    ]);
    // Per schedule and person: the sums of their units' figures.
    const counts = new Map<string, PersonCounts>();
    for (const [key, indexes] of unitsOf) {
      const sum: PersonCounts = {
        interruptions: 0,
        maxPerShift: 0,
        bursts: 0,
        badNights: 0,
        sreBreaches: 0,
      };
      const nights = new Map<number, number>();
      for (const index of indexes) {
        const unit = figures[index];
        for (const n of unit.perShift) {
          sum.interruptions += n;
          sum.maxPerShift = Math.max(sum.maxPerShift, n);
        }
        sum.bursts += unit.bursts;
        sum.sreBreaches += unit.sreBreaches;
        for (const [night, n] of unit.nights) {
          nights.set(night, (nights.get(night) ?? 0) + n);
        }
      }
      for (const n of nights.values()) {
        sum.badNights += n >= BAD_NIGHT_SIZE ? 1 : 0;
      }
      counts.set(key, sum);
    }
    const countsOf = (scheduleId: string, userRef: string) =>
      counts.get(`${scheduleId}\u0000${userRef}`)!;

    return {
      period: { from: from.toISOString(), to: to.toISOString() },
      schedules: perSchedule.map(({ schedule, shifts }): OnCallLoadSchedule => {
        const byPerson = new Map<string, { hours: number; shifts: number }>();
        for (const shift of shifts) {
          const entry = byPerson.get(shift.userRef) ?? { hours: 0, shifts: 0 };
          entry.hours += (shift.end - shift.start) / HOUR_MS;
          entry.shifts += 1;
          byPerson.set(shift.userRef, entry);
        }
        const rows = [...byPerson].map(([userRef, own]) => ({
          userRef,
          hours: own.hours,
          shifts: own.shifts,
          ...countsOf(schedule.id, userRef),
        }));
        const hours = rows.reduce((sum, r) => sum + r.hours, 0);
        const interruptions = rows.reduce((sum, r) => sum + r.interruptions, 0);
        const evenShare = rows.length ? round(1 / rows.length, 4) : 0;
        const persons = rows
          .filter(r => !scope.person || r.userRef === scope.person)
          .map(
            (r): OnCallLoadPerson => ({
              scheduleId: schedule.id,
              userRef: r.userRef,
              name: names.get(r.userRef) ?? r.userRef,
              hours: round(r.hours, 2),
              shifts: r.shifts,
              interruptions: r.interruptions,
              interruptionsPerShift: r.shifts
                ? round(r.interruptions / r.shifts, 2)
                : null,
              maxPerShift: r.maxPerShift,
              bursts: r.bursts,
              badNights: r.badNights,
              sreBreaches: r.sreBreaches,
              hoursShare: hours ? round(r.hours / hours, 4) : 0,
              interruptionsShare: interruptions
                ? round(r.interruptions / interruptions, 4)
                : null,
              evenShare,
            }),
          )
          .sort(
            (a, b) =>
              b.interruptions - a.interruptions ||
              b.hours - a.hours ||
              a.userRef.localeCompare(b.userRef),
          );
        return {
          id: schedule.id,
          name: schedule.name,
          timeZone: schedule.timeZone,
          hours: round(hours, 2),
          interruptions,
          people: rows.length,
          gini: gini(rows.map(r => r.interruptions)),
          persons,
        };
      }),
    };
  }

  /**
   * Each unit's figures: from the figures kept across requests while the
   * person's ledger revision is the one read before they were computed, the
   * others from the database (and kept). A unit that only changed at one
   * end keeps its figures when the person had no notification where that
   * could change them (one index probe per range):
   *
   * - grown at its end (the shift going on as the period ends later): none
   *   in what it grew by;
   * - started later (the first shift, cut where the period starts, as the
   *   period moves on by less than 12 hours): none in what it lost, nor
   *   where the first shift's 12-hour pieces (cut from its start) moved.
   */
  private async unitFigures(
    units: LoadUnit[],
    people: string[],
  ): Promise<UnitFigures[]> {
    const revisions = await this.store.revisions(people);
    const revisionOf = (unit: LoadUnit) => revisions.get(unit.userRef) ?? 0;
    const shapes = units.map(unit => shapeOf(unit, revisionOf(unit)));
    const figures: Array<UnitFigures | undefined> = units.map(() => undefined);
    const candidates: Array<{
      index: number;
      kept: KeptFigures;
      ranges: Array<{ start: number; end: number }>;
    }> = [];
    units.forEach((unit, i) => {
      const shape = shapes[i];
      const exact = this.kept.get(shape.key);
      if (exact && exact.revision === shape.revision) {
        figures[i] = exact.figures;
        return;
      }
      const first = unit.shifts[0];
      const sameRevision = (kept: KeptFigures | undefined) =>
        kept && kept.revision === shape.revision ? kept : undefined;
      const shorter = sameRevision(
        this.kept.get(this.byPrefix.get(shape.prefix) ?? ''),
      );
      const longer = sameRevision(
        this.kept.get(this.bySuffix.get(shape.suffix) ?? ''),
      );
      if (shorter && shorter.end < shape.end) {
        candidates.push({
          index: i,
          kept: shorter,
          ranges: [{ start: shorter.end, end: shape.end }],
        });
      } else if (
        longer &&
        longer.start < shape.start &&
        shape.start - longer.start < SRE_SHIFT_MS
      ) {
        const ranges = [];
        for (let from = longer.start; from < first.end; from += SRE_SHIFT_MS) {
          ranges.push({
            start: from,
            end: Math.min(from + (shape.start - longer.start), first.end),
          });
        }
        candidates.push({ index: i, kept: longer, ranges });
      }
    });
    if (candidates.length > 0) {
      const notified = await this.store.notifiedIn(
        candidates.flatMap(({ index, ranges }) =>
          ranges.map(range => ({ userRef: units[index].userRef, ...range })),
        ),
      );
      let at = 0;
      for (const { index, kept, ranges } of candidates) {
        const touched = notified.slice(at, at + ranges.length).some(Boolean);
        at += ranges.length;
        if (!touched) {
          figures[index] = kept.figures;
          this.keep({ ...shapes[index], figures: kept.figures });
        }
      }
    }
    const missing = new Map<string, number>();
    shapes.forEach((shape, i) => {
      if (!figures[i] && !missing.has(shape.key)) {
        missing.set(shape.key, i);
      }
    });
    const fresh = await this.store.figures(
      [...missing.values()].map(i => units[i]),
    );
    const freshOf = new Map<string, UnitFigures>();
    [...missing.values()].forEach((i, j) => {
      freshOf.set(shapes[i].key, fresh[j]);
      this.keep({ ...shapes[i], figures: fresh[j] });
    });
    return figures.map((f, i) => f ?? freshOf.get(shapes[i].key)!);
  }

  /** Keeps a unit's figures, the oldest computed dropped beyond the limit. */
  private keep(kept: KeptFigures) {
    this.kept.delete(kept.key);
    this.kept.set(kept.key, kept);
    this.byPrefix.set(kept.prefix, kept.key);
    this.bySuffix.set(kept.suffix, kept.key);
    while (this.kept.size > MAX_KEPT_UNITS) {
      const [oldest, { prefix, suffix }] = this.kept.entries().next().value!;
      this.kept.delete(oldest);
      if (this.byPrefix.get(prefix) === oldest) {
        this.byPrefix.delete(prefix);
      }
      if (this.bySuffix.get(suffix) === oldest) {
        this.bySuffix.delete(suffix);
      }
    }
  }

  /**
   * The built-in schedules named (`multivac.io/oncall-schedule`) by the
   * Group itself or by entities it owns, in configuration order.
   */
  private async schedulesOf(team: string): Promise<ScheduleDefinition[]> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const [group, owned] = await Promise.all([
      this.catalog.getEntitiesByRefs(
        { entityRefs: [team], fields: ['metadata.annotations'] },
        { credentials },
      ),
      this.catalog.getEntities(
        {
          filter: { 'relations.ownedBy': team },
          fields: ['metadata.annotations'],
        },
        { credentials },
      ),
    ]);
    const ids = new Set(
      [...group.items, ...owned.items].flatMap(entity => {
        const id = entity?.metadata?.annotations?.[ANNOTATION_ONCALL_SCHEDULE];
        return id ? [id] : [];
      }),
    );
    return this.schedules.filter(s => ids.has(s.id));
  }

  private async names(refs: string[]): Promise<Map<string, string>> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const names = new Map<string, string>();
    for (let i = 0; i < refs.length; i += LOOKUP_CHUNK) {
      const chunk = refs.slice(i, i + LOOKUP_CHUNK);
      const { items } = await this.catalog.getEntitiesByRefs(
        { entityRefs: chunk, fields: ['kind', 'metadata', 'spec.profile'] },
        { credentials },
      );
      chunk.forEach((ref, j) =>
        names.set(ref, displayNameOf(items[j] ?? undefined, ref)),
      );
    }
    return names;
  }
}
