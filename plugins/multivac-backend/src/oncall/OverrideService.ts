import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  INCIDENT_STATES,
  OnCallOverrideRecord,
  OverrideRequest,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import type { IncidentService } from '../incidents/IncidentService';
import { CatalogEntities } from '../service/CatalogEntities';
import type { OnCallService } from './OnCallService';
import { OverriddenScheduleRegistry } from './OverriddenScheduleRegistry';
import { OverrideStore } from './OverrideStore';
import { PeopleDirectory } from './PeopleDirectory';
import { ScheduleDefinition } from './schedule';

const LOCAL_TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** A cover asked for in local wall-clock times, as chat types it. */
export interface LocalCoverRequest {
  /** Catalog user ref (already resolved from a mention). */
  userRef: string;
  /** Absent: the one schedule the actor (else the person) is a member of. */
  scheduleId?: string;
  /** 'HH:mm' in the schedule's zone. */
  from: string;
  /** 'HH:mm'; not after `from` means the next day. */
  to: string;
  reason?: string;
}

/** Everyone in a schedule's layers, of any of its versions. */
function membersOf(schedule: ScheduleDefinition): Set<string> {
  const definitions = [
    schedule,
    ...(schedule.versions ?? []).map(v => v.schedule),
  ];
  return new Set(
    definitions.flatMap(d => d.layers.flatMap(layer => layer.members)),
  );
}

/**
 * Covering shifts (issue 19): stores an override for a built-in schedule
 * after checking it (the schedule exists, the person is a catalog User, the
 * window is not wholly past), lists the schedule's current and upcoming
 * overrides with who made them, and cancels one. The registry is told at
 * once, so this replica's answers show the change immediately.
 */
export class OverrideService {
  constructor(
    private readonly deps: {
      store: OverrideStore;
      registry: OverriddenScheduleRegistry;
      entities: CatalogEntities;
      people: PeopleDirectory;
      /**
       * A cover made or cancelled is noted on the timeline of each open
       * incident whose entities' on-call is the schedule (read when used).
       */
      incidentNotes?: () => {
        incidents: Pick<IncidentService, 'list' | 'addNote'>;
        onCall: Pick<OnCallService, 'whoIsOnCall'>;
      };
      logger?: LoggerService;
      now?: () => Date;
    },
  ) {}

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** The schedule's id as the registry spells it; 404 when there is none. */
  async scheduleOf(id: string): Promise<{ id: string; timeZone: string }> {
    const schedule = await this.deps.registry.find(id);
    if (!schedule) {
      throw new NotFoundError(`No on-call schedule '${id}'`);
    }
    return { id: schedule.id, timeZone: schedule.timeZone };
  }

  async create(
    scheduleId: string,
    request: OverrideRequest,
    actor: string,
    credentials: BackstageCredentials,
  ): Promise<OnCallOverrideRecord> {
    const schedule = await this.scheduleOf(scheduleId);
    const now = this.#now();
    if (new Date(request.end) <= now) {
      throw new InputError('end: the window is entirely in the past');
    }
    const [userRef] = await this.deps.entities.requireUsers(
      [request.userRef],
      credentials,
      'userRef',
    );
    const created = await this.deps.store.create(
      {
        scheduleId: schedule.id,
        userRef,
        start: request.start,
        end: request.end,
        createdBy: actor,
        reason: request.reason || undefined,
      },
      now,
    );
    this.deps.registry.invalidate();
    const [record] = await this.#withPeople([created]);
    await this.#noteOnIncidents(
      schedule.id,
      `${record.person?.name ?? userRef} covers ${this.#window(
        record,
        schedule.timeZone,
      )} on ${schedule.id}${record.reason ? `: ${record.reason}` : ''}`,
      actor,
      credentials,
    );
    return record;
  }

  /** 'Sat 5 Dec 18:00 – Sun 6 Dec 09:00 (Europe/Berlin)'. */
  #window(record: OnCallOverrideRecord, timeZone: string): string {
    const local = (iso: string) =>
      DateTime.fromISO(iso).setZone(timeZone).toFormat('ccc d LLL HH:mm');
    return `${local(record.start)} – ${local(record.end)} (${timeZone})`;
  }

  /** Best effort: an override stands even when a note cannot be added. */
  async #noteOnIncidents(
    scheduleId: string,
    text: string,
    actor: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const notes = this.deps.incidentNotes?.();
    if (!notes) {
      return;
    }
    try {
      const { items } = await notes.incidents.list({
        statuses: INCIDENT_STATES.filter(
          s => s !== 'resolved' && s !== 'cancelled',
        ),
        limit: 100,
        offset: 0,
      });
      for (const incident of items) {
        for (const entityRef of incident.entityRefs) {
          const answer = await notes.onCall
            .whoIsOnCall(entityRef, credentials)
            .catch(() => undefined);
          if (
            answer?.provider === 'builtin' &&
            answer.schedule.id === scheduleId
          ) {
            await notes.incidents.addNote(incident.id, `Shift cover: ${text}`, {
              ref: actor,
              isUser: actor.startsWith('user:'),
            });
            break;
          }
        }
      }
    } catch (error) {
      this.deps.logger?.warn(
        `Could not note the cover of schedule ${scheduleId} on open incidents: ${error}`,
      );
    }
  }

  /**
   * A cover in the schedule's local times (chat's `cover @grace 18:00-09:00`):
   * today in the schedule's zone, the end on the next day when not after
   * the start; a window already over today is taken as tomorrow's.
   */
  async coverLocal(
    request: LocalCoverRequest,
    actor: string,
    credentials: BackstageCredentials,
  ): Promise<{
    override: OnCallOverrideRecord;
    schedule: { id: string; name: string; timeZone: string };
  }> {
    const schedule = await this.#pickSchedule(request, actor);
    const [from, to] = [request.from, request.to].map((value, i) => {
      const match = LOCAL_TIME.exec(value);
      if (!match) {
        throw new InputError(
          `${i === 0 ? 'start' : 'end'}: '${value}' is not a time like 18:00`,
        );
      }
      return { hour: Number(match[1]), minute: Number(match[2]) };
    });
    const today = DateTime.fromJSDate(this.#now()).setZone(schedule.timeZone);
    let start = today.set({ ...from, second: 0, millisecond: 0 });
    let end = today.set({ ...to, second: 0, millisecond: 0 });
    if (end <= start) {
      end = end.plus({ days: 1 });
    }
    if (end <= today) {
      start = start.plus({ days: 1 });
      end = end.plus({ days: 1 });
    }
    const override = await this.create(
      schedule.id,
      {
        userRef: request.userRef,
        start: start.toISO()!,
        end: end.toISO()!,
        reason: request.reason,
      },
      actor,
      credentials,
    );
    return {
      override,
      schedule: {
        id: schedule.id,
        name: schedule.name,
        timeZone: schedule.timeZone,
      },
    };
  }

  /** The named schedule, else the only one the actor, else the person, is in. */
  async #pickSchedule(
    request: LocalCoverRequest,
    actor: string,
  ): Promise<ScheduleDefinition> {
    if (request.scheduleId) {
      const named = await this.deps.registry.find(request.scheduleId);
      if (!named) {
        throw new NotFoundError(`No on-call schedule '${request.scheduleId}'`);
      }
      return named;
    }
    const all = [...(await this.deps.registry.current()).values()];
    if (all.length === 1) {
      return all[0];
    }
    for (const who of [actor, request.userRef]) {
      const theirs = all.filter(s => membersOf(s).has(who));
      if (theirs.length === 1) {
        return theirs[0];
      }
      if (theirs.length > 1) {
        throw new InputError(
          `schedule: name one of ${theirs.map(s => s.id).join(', ')}`,
        );
      }
    }
    throw new InputError(
      `schedule: name the schedule to cover, one of ${all
        .map(s => s.id)
        .join(', ')}`,
    );
  }

  /** Current and upcoming overrides of the schedule, in the order made. */
  async list(scheduleId: string): Promise<OnCallOverrideRecord[]> {
    const schedule = await this.scheduleOf(scheduleId);
    return this.#withPeople(
      await this.deps.store.listActive({
        scheduleId: schedule.id,
        after: this.#now(),
      }),
    );
  }

  /** 404 when not an override of this schedule or already cancelled. */
  async cancel(
    scheduleId: string,
    overrideId: string,
    actor: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const schedule = await this.scheduleOf(scheduleId);
    const found = await this.deps.store.get(overrideId);
    if (!found || found.scheduleId !== schedule.id || found.cancelledAt) {
      throw new NotFoundError(
        `No override '${overrideId}' of schedule '${schedule.id}' to cancel`,
      );
    }
    if (!(await this.deps.store.cancel(overrideId, actor, this.#now()))) {
      throw new NotFoundError(`Override '${overrideId}' is already cancelled`);
    }
    this.deps.registry.invalidate();
    if (new Date(found.end) > this.#now()) {
      const [record] = await this.#withPeople([found]);
      await this.#noteOnIncidents(
        schedule.id,
        `cancelled: ${
          record.person?.name ?? found.userRef
        } covering ${this.#window(found, schedule.timeZone)} on ${schedule.id}`,
        actor,
        credentials,
      );
    }
  }

  async #withPeople(
    records: OnCallOverrideRecord[],
  ): Promise<OnCallOverrideRecord[]> {
    const people = await this.deps.people.lookup(records.map(r => r.userRef));
    return records.map(record => ({
      ...record,
      person: people.get(record.userRef),
    }));
  }
}
