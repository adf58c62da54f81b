import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  isScheduleEntity,
  parseScheduleEntity,
  SCHEDULE_KIND,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { ScheduleDefinition } from './schedule';
import { ScheduleVersionStore } from './ScheduleVersionStore';

/** How long the catalog's schedules are served before they are read again. */
export const DEFAULT_SCHEDULE_REFRESH_MS = 30_000;
/** How soon a schedule id not found makes the catalog be read again. */
export const DEFAULT_SCHEDULE_MISS_REFRESH_MS = 2_000;

/**
 * The built-in schedules: those of `multivac.onCall.schedules` and the
 * catalog's Schedule entities (kind Schedule, apiVersion
 * multivac.io/v1alpha1), each catalog schedule with its history of versions
 * (ScheduleVersionStore). A catalog schedule's id is its entity's name in
 * the `default` namespace, `<namespace>/<name>` in others; a config
 * schedule with the same id wins and the entity is skipped with a warning.
 *
 * The catalog is read at most once per `refreshMs` (on demand by
 * `current()`, or by `refresh()` from a scheduled task), and once per
 * `missRefreshMs` when `find` misses an id or the last read found no
 * Schedule at all (the catalog still ingesting after a start); a failed read keeps
 * the catalog schedules last read. Config schedules come first in their
 * order, then the catalog's by id. `snapshot()`, `list` and `timeZones` are
 * the last read, for callers that cannot wait.
 */
export class ScheduleRegistry {
  readonly #config: ScheduleDefinition[];
  readonly #catalog?: {
    catalog: CatalogService;
    auth: AuthService;
    versions: ScheduleVersionStore;
  };
  readonly #logger?: LoggerService;
  readonly #refreshMs: number;
  readonly #missRefreshMs: number;
  readonly #now: () => DateTime;
  #schedules: Map<string, ScheduleDefinition>;
  #loadedAt?: number;
  #loading?: Promise<void>;
  #foundNone = false;
  readonly #warned = new Set<string>();
  /** Every schedule as last read, updated in place (for holders of the array). */
  readonly list: ScheduleDefinition[] = [];
  /** Schedule id → time zone as last read, updated in place. */
  readonly timeZones = new Map<string, string>();

  constructor(options: {
    config: ScheduleDefinition[];
    /** Without it, only the config schedules. */
    catalog?: {
      catalog: CatalogService;
      auth: AuthService;
      versions: ScheduleVersionStore;
    };
    logger?: LoggerService;
    refreshMs?: number;
    missRefreshMs?: number;
    now?: () => DateTime;
  }) {
    this.#config = options.config;
    this.#catalog = options.catalog;
    this.#logger = options.logger;
    this.#refreshMs = options.refreshMs ?? DEFAULT_SCHEDULE_REFRESH_MS;
    this.#missRefreshMs =
      options.missRefreshMs ?? DEFAULT_SCHEDULE_MISS_REFRESH_MS;
    this.#now = options.now ?? (() => DateTime.now());
    this.#schedules = this.#publish([]);
  }

  /** The config schedules only. */
  static fixed(schedules: ScheduleDefinition[]): ScheduleRegistry {
    return new ScheduleRegistry({ config: schedules });
  }

  /** The schedules as last read. */
  snapshot(): ReadonlyMap<string, ScheduleDefinition> {
    return this.#schedules;
  }

  /** The schedules, the catalog's read again first if the last read is older than `refreshMs`. */
  async current(): Promise<ReadonlyMap<string, ScheduleDefinition>> {
    const now = this.#now().toMillis();
    // A read that found nothing (the catalog still ingesting after a start)
    // is repeated as soon as a miss would be.
    const interval = this.#foundNone ? this.#missRefreshMs : this.#refreshMs;
    if (
      this.#catalog &&
      (this.#loadedAt === undefined || now - this.#loadedAt >= interval)
    ) {
      await this.refresh();
    }
    return this.#schedules;
  }

  /**
   * One schedule. An id not found is looked for in the catalog again if the
   * last read is older than `missRefreshMs` (a schedule just added, or the
   * catalog still ingesting after a start), so a miss costs at most one
   * catalog read per that interval.
   */
  async find(id: string): Promise<ScheduleDefinition | undefined> {
    const found = this.#lookup(await this.current(), id);
    if (
      found ||
      !this.#catalog ||
      (this.#loadedAt !== undefined &&
        this.#now().toMillis() - this.#loadedAt < this.#missRefreshMs)
    ) {
      return found;
    }
    await this.refresh();
    return this.#lookup(this.#schedules, id);
  }

  /** By id; catalog ids are lower case, as catalog names compare without case. */
  #lookup(
    schedules: ReadonlyMap<string, ScheduleDefinition>,
    id: string,
  ): ScheduleDefinition | undefined {
    return schedules.get(id) ?? schedules.get(id.toLocaleLowerCase('en-US'));
  }

  /** Reads the catalog's schedules now (one read at a time). */
  refresh(): Promise<void> {
    if (!this.#loading) {
      this.#loading = this.#load().finally(() => {
        this.#loading = undefined;
      });
    }
    return this.#loading;
  }

  async #load(): Promise<void> {
    const source = this.#catalog;
    if (!source) {
      return;
    }
    try {
      const { items } = await source.catalog.getEntities(
        { filter: { kind: SCHEDULE_KIND } },
        { credentials: await source.auth.getOwnServiceCredentials() },
      );
      const now = this.#now();
      const fromCatalog: ScheduleDefinition[] = [];
      const configIds = new Set(this.#config.map(s => s.id));
      for (const entity of items.filter(isScheduleEntity)) {
        const entityRef = stringifyEntityRef(entity);
        const parsed = parseScheduleEntity(entity);
        if (!parsed.ok) {
          // The catalog processor refuses these; an entity from before it ran.
          this.#warnOnce(
            `invalid:${entityRef}:${parsed.problems.join(';')}`,
            `Skipping on-call schedule ${entityRef}: ${parsed.problems.join(
              '; ',
            )}`,
          );
          continue;
        }
        const { definition, effectiveFrom } = parsed.value;
        if (configIds.has(definition.id)) {
          this.#warnOnce(
            `clash:${entityRef}`,
            `Skipping on-call schedule ${entityRef}: its id '${definition.id}' is also in multivac.onCall.schedules, which wins`,
          );
          continue;
        }
        fromCatalog.push(
          await source.versions.observe(
            { entityRef, definition, effectiveFrom },
            now,
          ),
        );
      }
      // The catalog's order is not stable; ids are.
      fromCatalog.sort((a, b) => (a.id < b.id ? -1 : Number(a.id > b.id)));
      this.#schedules = this.#publish(fromCatalog);
      this.#foundNone = items.length === 0;
      this.#loadedAt = now.toMillis();
    } catch (error) {
      this.#logger?.warn(
        `Could not read the on-call schedules from the catalog, keeping the last read: ${error}`,
      );
      // Try again on the next call rather than on every call.
      this.#loadedAt = this.#now().toMillis();
    }
  }

  #publish(fromCatalog: ScheduleDefinition[]): Map<string, ScheduleDefinition> {
    const all = [...this.#config, ...fromCatalog];
    this.list.splice(0, this.list.length, ...all);
    this.timeZones.clear();
    all.forEach(s => this.timeZones.set(s.id, s.timeZone));
    return new Map(all.map(s => [s.id, s]));
  }

  #warnOnce(key: string, message: string) {
    if (!this.#warned.has(key)) {
      this.#warned.add(key);
      this.#logger?.warn(message);
    }
  }
}
