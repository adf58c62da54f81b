import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_ONCALL_SCHEDULE,
  OnCallAnswer,
  OnCallShiftInfo,
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

/**
 * On-call from the schedules in `multivac.onCall.schedules`, for entities
 * annotated `multivac.io/oncall-schedule: <schedule id>`.
 */
export class BuiltinOnCallProvider implements OnCallProvider {
  readonly id = 'builtin';
  private readonly schedules: Map<string, ScheduleDefinition>;

  constructor(
    schedules: ScheduleDefinition[],
    private readonly people: PeopleDirectory,
  ) {
    this.schedules = new Map(schedules.map(s => [s.id, s]));
  }

  handles(entity: Entity): boolean {
    return Boolean(entity.metadata.annotations?.[ANNOTATION_ONCALL_SCHEDULE]);
  }

  async getOnCall(
    annotated: Entity,
    at: Date,
  ): Promise<Omit<OnCallAnswer, 'entityRef' | 'resolvedFrom'>> {
    const id = annotated.metadata.annotations![ANNOTATION_ONCALL_SCHEDULE];
    if (!this.schedules.has(id)) {
      throw new NotFoundError(
        `${stringifyEntityRef(
          annotated,
        )} names on-call schedule '${id}', which is not in multivac.onCall.schedules`,
      );
    }
    return this.getOnCallForSchedule(id, at);
  }

  hasSchedule(id: string): boolean {
    return this.schedules.has(id);
  }

  /** The escalation chain of one schedule at `at`. */
  async getOnCallForSchedule(
    id: string,
    at: Date,
  ): Promise<Omit<OnCallAnswer, 'entityRef' | 'resolvedFrom'>> {
    const schedule = this.schedules.get(id);
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
      schedule: { id: schedule.id, name: schedule.name },
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
    const perSchedule = [...this.schedules.values()].map(schedule => ({
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
