import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_ONCALL_SCHEDULE,
  OnCallAnswer,
  OnCallShiftInfo,
  scheduleIdFromAnnotation,
  ScheduleOverview,
} from '@multivac/plugin-multivac-common';
import { OnCallProvider } from '@multivac/plugin-multivac-node';
import { DateTime } from 'luxon';
import { PeopleDirectory } from './PeopleDirectory';
import {
  escalationChain,
  finalShifts,
  nextShift,
  onCallAt,
  ScheduleDefinition,
  Shift,
} from './schedule';
import { ScheduleRegistry } from './ScheduleRegistry';

/**
 * On-call from the built-in schedules (`multivac.onCall.schedules` and the
 * catalog's Schedule entities, see ScheduleRegistry), for entities annotated
 * `multivac.io/oncall-schedule: <schedule id>` (or the Schedule entity's
 * ref, `schedule:<namespace>/<name>`).
 */
export class BuiltinOnCallProvider implements OnCallProvider {
  readonly id = 'builtin';
  readonly registry: ScheduleRegistry;

  constructor(
    schedules: ScheduleDefinition[] | ScheduleRegistry,
    private readonly people: PeopleDirectory,
  ) {
    this.registry = Array.isArray(schedules)
      ? ScheduleRegistry.fixed(schedules)
      : schedules;
  }

  /** Every built-in schedule, the catalog's read again if due. */
  async schedules(): Promise<ScheduleDefinition[]> {
    return [...(await this.registry.current()).values()];
  }

  handles(entity: Entity): boolean {
    return Boolean(entity.metadata.annotations?.[ANNOTATION_ONCALL_SCHEDULE]);
  }

  async getOnCall(
    annotated: Entity,
    at: Date,
  ): Promise<Omit<OnCallAnswer, 'entityRef' | 'resolvedFrom'>> {
    const id = scheduleIdFromAnnotation(
      annotated.metadata.annotations![ANNOTATION_ONCALL_SCHEDULE],
    );
    if (!(await this.registry.find(id))) {
      throw new NotFoundError(
        `${stringifyEntityRef(
          annotated,
        )} names on-call schedule '${id}', which is neither in multivac.onCall.schedules nor a Schedule entity in the catalog`,
      );
    }
    return this.getOnCallForSchedule(id, at);
  }

  /** Whether the schedule exists as last read (see ScheduleRegistry.snapshot). */
  hasSchedule(id: string): boolean {
    return this.registry.snapshot().has(id);
  }

  /** The escalation chain of one schedule at `at`. */
  async getOnCallForSchedule(
    id: string,
    at: Date,
  ): Promise<Omit<OnCallAnswer, 'entityRef' | 'resolvedFrom'>> {
    const schedule = await this.registry.find(id);
    if (!schedule) {
      throw new NotFoundError(`No on-call schedule '${id}'`);
    }
    const now = DateTime.fromJSDate(at);
    const levels = escalationChain(schedule, now);
    const next = nextShift(schedule, now);
    const toInfo = await this.shiftInfo([
      ...levels.flatMap(l => l.onCall),
      ...(next ? [next] : []),
    ]);
    return {
      provider: this.id,
      schedule: {
        id: schedule.id,
        name: schedule.name,
        timeZone: schedule.timeZone,
      },
      levels: levels.map(l => ({
        level: l.level,
        timeoutMinutes: l.timeoutMinutes,
        onCall: l.onCall.map(toInfo),
      })),
      next: next && toInfo(next),
    };
  }

  /** Every schedule with who is on call at `from` and its shifts for `days`. */
  async overview(from: Date, days: number): Promise<ScheduleOverview[]> {
    const start = DateTime.fromJSDate(from);
    const end = start.plus({ days });
    const perSchedule = (await this.schedules()).map(schedule => ({
      schedule,
      now: onCallAt(schedule, start),
      shifts: finalShifts(schedule, start, end),
    }));
    const toInfo = await this.shiftInfo(
      perSchedule.flatMap(s => [...s.shifts, ...(s.now ? [s.now] : [])]),
    );
    return perSchedule.map(({ schedule, now, shifts }) => ({
      id: schedule.id,
      name: schedule.name,
      timeZone: schedule.timeZone,
      onCallNow: now && toInfo(now),
      shifts: shifts.map(toInfo),
    }));
  }

  /** Looks up everyone in `shifts` at once; returns a converter. */
  private async shiftInfo(
    shifts: Shift[],
  ): Promise<(shift: Shift) => OnCallShiftInfo> {
    const people = await this.people.lookup(shifts.map(s => s.userRef));
    return shift => ({
      person: people.get(shift.userRef)!,
      start: shift.start.toISO()!,
      end: shift.end.toISO()!,
    });
  }
}
