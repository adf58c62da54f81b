import { OnCallOverrideRecord } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { ScheduleDefinition, ScheduleOverride } from './schedule';
import { ScheduleRegistry } from './ScheduleRegistry';
import { OverrideStore } from './OverrideStore';

/** How long the stored overrides are served before they are read again. */
export const DEFAULT_OVERRIDES_REFRESH_MS = 5_000;
/** Overrides that ended longer ago than this are not applied any more. */
export const OVERRIDES_LOOKBACK_DAYS = 56;

/**
 * The schedule with stored overrides painted over it: added to the
 * schedule's own overrides and to those of every version of its history,
 * so they apply whichever version is effective (the engine clips each to
 * its version's span) and a new version of the schedule's file never loses
 * them. Stored overrides come after the file's, so they win where both
 * cover a moment, and later made win over earlier ones.
 */
export function withOverrides(
  schedule: ScheduleDefinition,
  overrides: OnCallOverrideRecord[],
): ScheduleDefinition {
  const extra: ScheduleOverride[] = overrides
    .filter(o => o.scheduleId === schedule.id && !o.cancelledAt)
    .map(o => ({ userRef: o.userRef, start: o.start, end: o.end }));
  if (extra.length === 0) {
    return schedule;
  }
  const add = (definition: ScheduleDefinition): ScheduleDefinition => ({
    ...definition,
    overrides: [...(definition.overrides ?? []), ...extra],
  });
  return {
    ...add(schedule),
    ...(schedule.versions && {
      versions: schedule.versions.map(span => ({
        ...span,
        schedule: add(span.schedule),
      })),
    }),
  };
}

/**
 * The built-in schedules (ScheduleRegistry) with the overrides stored by
 * Multivac applied. The overrides are read at most once per `refreshMs`
 * (and at once after `invalidate()`, which the override routes call after
 * a change), so another replica's change shows within that interval;
 * `snapshot()` uses the last read.
 */
export class OverriddenScheduleRegistry extends ScheduleRegistry {
  readonly #store: OverrideStore;
  readonly #refreshMs: number;
  readonly #clock: () => DateTime;
  readonly #applied = new WeakSet<ScheduleDefinition>();
  #overrides: OnCallOverrideRecord[] = [];
  #readAt?: number;
  #reading?: Promise<void>;

  constructor(
    options: ConstructorParameters<typeof ScheduleRegistry>[0] & {
      overrides: OverrideStore;
      overridesRefreshMs?: number;
    },
  ) {
    super(options);
    this.#store = options.overrides;
    this.#refreshMs =
      options.overridesRefreshMs ?? DEFAULT_OVERRIDES_REFRESH_MS;
    this.#clock = options.now ?? (() => DateTime.now());
  }

  /** Makes the next call read the stored overrides again. */
  invalidate(): void {
    this.#readAt = undefined;
  }

  override snapshot(): ReadonlyMap<string, ScheduleDefinition> {
    return this.#overlay(super.snapshot());
  }

  override async current(): Promise<ReadonlyMap<string, ScheduleDefinition>> {
    const [schedules] = await Promise.all([super.current(), this.#read()]);
    return this.#overlay(schedules);
  }

  override async find(id: string): Promise<ScheduleDefinition | undefined> {
    // super.find reads current() (overlaid) and, after a miss, the plain
    // schedules; overlay only those not overlaid yet.
    const found = await super.find(id);
    await this.#read();
    return found && (this.#applied.has(found) ? found : this.#apply(found));
  }

  #overlay(
    schedules: ReadonlyMap<string, ScheduleDefinition>,
  ): ReadonlyMap<string, ScheduleDefinition> {
    if (this.#overrides.length === 0) {
      return schedules;
    }
    return new Map(
      [...schedules].map(([id, schedule]) => [id, this.#apply(schedule)]),
    );
  }

  #apply(schedule: ScheduleDefinition): ScheduleDefinition {
    const applied = withOverrides(schedule, this.#overrides);
    this.#applied.add(applied);
    return applied;
  }

  async #read(): Promise<void> {
    const now = this.#clock();
    if (
      this.#readAt !== undefined &&
      now.toMillis() - this.#readAt < this.#refreshMs
    ) {
      return;
    }
    if (!this.#reading) {
      this.#reading = this.#store
        .listActive({
          after: now.minus({ days: OVERRIDES_LOOKBACK_DAYS }).toJSDate(),
        })
        .then(overrides => {
          this.#overrides = overrides;
          this.#readAt = now.toMillis();
        })
        .finally(() => {
          this.#reading = undefined;
        });
    }
    await this.#reading;
  }
}
