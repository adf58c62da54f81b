import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ACTIVE_RELEASE_STATUSES,
  formatDateTime,
  Release,
  ReleaseCheckResult,
  ReleaseConflict,
  ReleaseForce,
  ReleaseLink,
  ReleaseStatus,
  shortRef,
  validateReleaseWindow,
} from '@multivac/plugin-multivac-common';
import { RelevantRelease } from '@multivac/plugin-multivac-node';
import { nowIso } from '../database/util';
import { NameOf, PeopleNames, shortNames } from '../service/peopleNames';
import { CatalogGraph } from './conflicts/CatalogGraph';
import { CatalogGraphSource } from './conflicts/CatalogGraphCache';
import { ConflictChecker, ReleaseProposal } from './conflicts/ConflictChecker';
import { describePath } from './conflicts/sentences';
import { ReleaseDeliveries } from '../deliveries/kinds';
import { ReleaseChanges, ReleaseFilter, ReleaseStore } from './ReleaseStore';

/** Blocking conflicts and no `force`: answered 409 with the conflicts. */
export class ReleaseBlockedError extends ConflictError {
  constructor(message: string, readonly conflicts: ReleaseConflict[]) {
    super(message);
  }
}

export interface ReleaseBooking {
  /** A full ref of an existing catalog entity. */
  entityRef: string;
  title: string;
  environment: string;
  start: string;
  end: string;
  /** Default: the entity's owner in the catalog. */
  ownerRef?: string;
  links: ReleaseLink[];
  notes: string;
  force?: { reason: string };
  /** A release that already happened: recorded as done, with `reason`. */
  status?: 'done';
  reason?: string;
}

export type ReleaseEdit = Omit<ReleaseChanges, 'forced'> & {
  force?: { reason: string };
};

/** A release with the conflicts found when it was booked or moved. */
export interface CheckedRelease {
  release: Release;
  conflicts: ReleaseConflict[];
}

const windowKey = (release: Release) => `${release.start}/${release.end}`;

/** Releases read per query while collecting those around entities. */
const AROUND_PAGE_SIZE = 500;

/**
 * The release calendar: books and moves releases after checking their
 * windows for conflicts (blocking ones need a recorded reason to force),
 * moves them through their statuses, and tells subscribers.
 */
export class ReleaseService {
  constructor(
    private readonly options: {
      store: ReleaseStore;
      checker: ConflictChecker;
      graph: CatalogGraphSource;
      deliveries: ReleaseDeliveries;
      dependencyDepth: number;
      /**
       * The calendar's IANA zone (`multivac.releases.timeZone`), in which
       * refusals name times, with the zone: "Nov 23, 2026, 3:00 PM UTC".
       */
      timeZone: string;
      /** Default: the system clock. */
      now?: () => Date;
      /** Names owners (people, teams) by display name; else short names. */
      names?: PeopleNames;
    },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** How the releases' owners are named to people (the iCalendar feed). */
  ownerNames(releases: Release[]): Promise<NameOf> {
    return (this.options.names ?? shortNames)(releases.map(r => r.ownerRef));
  }

  /**
   * 400 naming `end` when the window has ended, unless the booking records
   * a release that already happened (`status: 'done'` with a reason);
   * 400 naming `status` when such a record's window has not ended.
   */
  private checkNotPast(window: { end: string }, recordsDone: boolean) {
    const ended = Date.parse(window.end) <= this.now().getTime();
    const end = formatDateTime(window.end, {
      zone: this.options.timeZone,
      locale: 'en-US',
    });
    if (recordsDone && !ended) {
      throw new InputError(
        `Invalid release: status: only a release whose window has ended can be recorded as done; this one ends ${end}`,
      );
    }
    if (!recordsDone && ended) {
      throw new InputError(
        `Invalid release: end: the window ended at ${end}; book a window that has not ended, or record a release that already happened with status 'done' and a reason`,
      );
    }
  }

  check(proposal: ReleaseProposal): Promise<ReleaseCheckResult> {
    return this.options.checker.check(proposal);
  }

  /**
   * The releases with the conflicts their windows have now; only planned
   * and running ones are checked, all in one go.
   */
  async withCurrentConflicts(releases: Release[]): Promise<Release[]> {
    const open = releases.filter(r =>
      ACTIVE_RELEASE_STATUSES.includes(r.status),
    );
    const results = await this.options.checker.checkMany(
      open.map(release => ({
        entityRef: release.entityRef,
        environment: release.environment,
        start: release.start,
        end: release.end,
        excludeReleaseId: release.id,
      })),
    );
    const conflictsById = new Map(
      open.map((release, i) => [release.id, results[i].conflicts]),
    );
    return releases.map(release =>
      conflictsById.has(release.id)
        ? { ...release, conflicts: conflictsById.get(release.id) }
        : release,
    );
  }

  async create(
    booking: ReleaseBooking,
    actor: { ref: string; isUser: boolean },
  ): Promise<CheckedRelease> {
    const { store, checker, deliveries } = this.options;
    const recordsDone = booking.status === 'done';
    this.checkNotPast(booking, recordsDone);
    const ownerRef =
      booking.ownerRef ?? (await this.ownerOf(booking.entityRef, actor));
    if (recordsDone) {
      // Done releases occupy no window: nothing conflicts, nobody is told.
      const release = await store.create(
        {
          entityRef: booking.entityRef,
          title: booking.title,
          environment: booking.environment,
          start: booking.start,
          end: booking.end,
          ownerRef,
          links: booking.links,
          notes: booking.notes,
          done: { reason: booking.reason ?? '' },
        },
        actor.ref,
      );
      return { release, conflicts: [] };
    }
    const prepared = await checker.prepare(booking);
    return store.withEnvironmentLock(booking.environment, async tx => {
      const { conflicts } = await prepared.complete(tx);
      const forced = this.forceOrRefuse(
        conflicts,
        booking.environment,
        booking.force,
        actor.ref,
      );
      const release = await store.create(
        {
          entityRef: booking.entityRef,
          title: booking.title,
          environment: booking.environment,
          start: booking.start,
          end: booking.end,
          ownerRef,
          links: booking.links,
          notes: booking.notes,
          forced,
        },
        actor.ref,
        tx,
      );
      await deliveries.changed(release, 'scheduled', windowKey(release), tx);
      return { release, conflicts };
    });
  }

  /** Moving the window checks it again, like a new booking. */
  async update(
    idOrReference: string,
    edit: ReleaseEdit,
    actor: string,
  ): Promise<CheckedRelease> {
    const { store, checker, deliveries } = this.options;
    const { force, ...changes } = edit;
    const current = await this.get(idOrReference);
    const start = changes.start ?? current.start;
    const end = changes.end ?? current.end;
    const moves =
      Date.parse(start) !== Date.parse(current.start) ||
      Date.parse(end) !== Date.parse(current.end);
    if (!moves) {
      return {
        release: await store.update(current.id, changes),
        conflicts: [],
      };
    }
    if (!ACTIVE_RELEASE_STATUSES.includes(current.status)) {
      throw new ConflictError(
        `${current.reference} is ${current.status}; only planned or in-progress releases can move`,
      );
    }
    const problem = validateReleaseWindow(start, end);
    if (problem) {
      throw new InputError(`Invalid release update: end: ${problem}`);
    }
    if (Date.parse(end) <= this.now().getTime()) {
      throw new InputError(
        `Invalid release update: end: the window would have ended at ${end}; choose a window that has not ended`,
      );
    }
    const prepared = await checker.prepare({
      entityRef: current.entityRef,
      environment: current.environment,
      start,
      end,
      excludeReleaseId: current.id,
    });
    return store.withEnvironmentLock(current.environment, async tx => {
      const { conflicts } = await prepared.complete(tx);
      const forced = this.forceOrRefuse(
        conflicts,
        current.environment,
        force,
        actor,
      );
      const release = await store.update(
        current.id,
        { ...changes, ...(forced && { forced }) },
        tx,
      );
      await deliveries.changed(release, 'scheduled', windowKey(release), tx);
      return { release, conflicts };
    });
  }

  async transition(
    idOrReference: string,
    to: ReleaseStatus,
    actor: string,
    note?: string,
  ): Promise<Release> {
    const { store, deliveries } = this.options;
    const current = await this.get(idOrReference);
    return store.transition(
      current.id,
      { to, actor, note },
      async (tx, release) => {
        if (to === 'in_progress') {
          await deliveries.changed(release, 'starting', 'start', tx);
          await store.markStarting(release.id, tx);
        } else {
          await deliveries.changed(release, 'status', to, tx);
        }
      },
    );
  }

  /**
   * Tells subscribers about releases whose window has started (the
   * scheduler calls it every minute); returns how many it announced.
   */
  async announceStarting(now: Date = new Date()): Promise<number> {
    const { store, deliveries } = this.options;
    const due = await store.dueToStart(now);
    for (const release of due) {
      // Same key as a move to in progress: each release starts once.
      await deliveries.changed(release, 'starting', 'start');
      await store.markStarting(release.id);
    }
    return due.length;
  }

  /**
   * Moves releases along with the clock (the scheduler calls it every
   * minute): planned ones whose window started to in progress, and those
   * whose window ended to done, except releases whose status was set
   * through the status route (CI knows better).
   */
  async advanceStatuses(): Promise<{ started: number; finished: number }> {
    const now = this.now();
    const { store } = this.options;
    // Finish first: a planned release whose whole window passed goes
    // straight to done rather than starting after its end.
    const finished = await store.finishDue(now);
    const started = await store.startDue(now);
    return { started, finished };
  }

  async get(idOrReference: string): Promise<Release> {
    const release = await this.find(idOrReference);
    if (!release) {
      throw new NotFoundError(`No release ${idOrReference}`);
    }
    return release;
  }

  /** By id or reference (`REL-7`); undefined when there is none. */
  find(idOrReference: string): Promise<Release | undefined> {
    return this.options.store.get(idOrReference);
  }

  list(filter: ReleaseFilter) {
    return this.options.store.list(filter);
  }

  /**
   * Releases in `filter` of `entityRefs` and of what they depend on (to
   * `dependencyDepth`), by start, each with the shortest dependency path
   * that makes it relevant.
   */
  async around(
    entityRefs: string[],
    filter: Omit<ReleaseFilter, 'entityRefs' | 'limit' | 'offset'>,
  ): Promise<RelevantRelease[]> {
    const graph = await this.options.graph.get();
    const relevant = new Map<string, { reason?: string; links: number }>();
    const keys = entityRefs.map(ref => CatalogGraph.key(ref));
    keys.forEach(key => relevant.set(key, { links: 0 }));
    for (const key of keys) {
      const dependencies = graph.dependenciesOf(
        key,
        this.options.dependencyDepth,
      );
      for (const [dependency, path] of dependencies) {
        const known = relevant.get(dependency);
        if (!known || known.links > path.length) {
          relevant.set(dependency, {
            reason: describePath(path),
            links: path.length,
          });
        }
      }
    }
    // Stored refs keep the case they were booked with; graph keys do not.
    const found: RelevantRelease[] = [];
    for (let offset = 0; ; offset += AROUND_PAGE_SIZE) {
      const { items } = await this.options.store.list({
        ...filter,
        limit: AROUND_PAGE_SIZE,
        offset,
      });
      for (const release of items) {
        const match = relevant.get(CatalogGraph.key(release.entityRef));
        if (match) {
          found.push({
            release,
            ...(match.reason && { reason: match.reason }),
          });
        }
      }
      if (items.length < AROUND_PAGE_SIZE) {
        return found;
      }
    }
  }

  /** Who owns a booking that names no owner: the entity's owner, else the booking user. */
  async ownerOf(
    entityRef: string,
    actor: { ref: string; isUser: boolean },
  ): Promise<string> {
    const graph = await this.options.graph.get();
    const owner = graph.ownerOf(CatalogGraph.key(entityRef));
    if (owner) {
      return owner;
    }
    if (actor.isUser) {
      return actor.ref;
    }
    throw new InputError(
      `ownerRef: ${shortRef(
        entityRef,
      )} has no owner in the catalog; say who owns the release`,
    );
  }

  /** The force record when blocking conflicts are forced; 409 without a reason. */
  private forceOrRefuse(
    conflicts: ReleaseConflict[],
    environment: string,
    force: { reason: string } | undefined,
    actor: string,
  ): ReleaseForce | undefined {
    const blocking = conflicts.filter(c => c.blocking);
    if (blocking.length === 0) {
      return undefined;
    }
    if (!force) {
      throw new ReleaseBlockedError(
        `${blocking.length} conflict${
          blocking.length === 1 ? ' blocks' : 's block'
        } releasing into ${environment}: ${blocking
          .map(c => c.sentence)
          .join(
            '; ',
          )}. Choose another window, or give force.reason to release anyway`,
        conflicts,
      );
    }
    return {
      reason: force.reason,
      by: actor,
      at: nowIso(),
      conflicts: blocking,
    };
  }
}
