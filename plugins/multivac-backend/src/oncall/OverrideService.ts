import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  OnCallOverrideRecord,
  OverrideRequest,
} from '@multivac/plugin-multivac-common';
import { CatalogEntities } from '../service/CatalogEntities';
import { OverriddenScheduleRegistry } from './OverriddenScheduleRegistry';
import { OverrideStore } from './OverrideStore';
import { PeopleDirectory } from './PeopleDirectory';

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
    return this.#withPeople([created]).then(([record]) => record);
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
