import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { RefreshingCache } from './RefreshingCache';

/** How long the plugin's view of an entity is served at most. */
export const DEFAULT_CATALOG_TTL_MS = 60_000;
/** After this, a served entity is read again in the background. */
export const DEFAULT_CATALOG_REFRESH_AFTER_MS = 15_000;
const DEFAULT_MAX_ENTRIES = 20_000;
type GetEntitiesRequest = NonNullable<
  Parameters<CatalogService['getEntities']>[0]
>;

/** Refs per catalog request when loads are batched. */
const BATCH_SIZE = 200;

/**
 * The catalog's own read permission (`catalogEntityReadPermission` of
 * @backstage/plugin-catalog-common/alpha, which this plugin does not
 * depend on): asked as a query so that the policy's answer for the user can
 * be reused (see CachedPermissions).
 */
const catalogEntityRead = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * The catalog walks the plugin repeats on every card and tab (entity →
 * owner Groups → System, the Users a schedule names, what a Group owns or a
 * System contains), read with the plugin's own credentials and kept in
 * memory for a bounded time and size (RefreshingCache: served up to
 * `ttlMs`, read again in the background after `refreshAfterMs`), so that a
 * card costs no catalog request once its entities are known. Entities
 * asked for at the same moment are read in one `getEntitiesByRefs` call.
 *
 * `catalogService()` is the catalog with these reads cached, for the
 * plugin's services as they are: only reads with service credentials (the
 * plugin's own) come from memory. A user's read of one entity asks the
 * policy for `catalog.entity.read` instead (remembered per user for the
 * decision window when the permissions service is CachedPermissions): an
 * unconditional allow serves the cached entity, a denial hides it, and
 * conditions send the read to the catalog with the user's credentials,
 * which applies them. Everything else goes to the catalog.
 */
export class CatalogCache {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #permissions?: PermissionsService;
  readonly #entities: RefreshingCache<Entity | undefined>;
  readonly #queries: RefreshingCache<{ items: Entity[] }>;
  #pending = new Map<
    string,
    Array<{
      resolve: (entity: Entity | undefined) => void;
      reject: (error: unknown) => void;
    }>
  >();

  constructor(options: {
    catalog: CatalogService;
    auth: AuthService;
    /** Without it, every `visibleEntity` asks the catalog as the user. */
    permissions?: PermissionsService;
    logger?: LoggerService;
    ttlMs?: number;
    refreshAfterMs?: number;
    maxEntries?: number;
    now?: () => number;
  }) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#permissions = options.permissions;
    const settings = {
      ttlMs: options.ttlMs ?? DEFAULT_CATALOG_TTL_MS,
      refreshAfterMs:
        options.refreshAfterMs ?? DEFAULT_CATALOG_REFRESH_AFTER_MS,
      maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
      now: options.now,
      onRefreshError: (key: string, error: unknown) =>
        options.logger?.warn(
          `Could not refresh the catalog's ${key} in the background: ${error}`,
        ),
    };
    this.#entities = new RefreshingCache(settings);
    this.#queries = new RefreshingCache(settings);
  }

  /** The entity as the plugin sees it, or undefined when it is not in the catalog. */
  entity(ref: string): Promise<Entity | undefined> {
    const key = ref.toLocaleLowerCase('en-US');
    return this.#entities.get(key, () => this.#load(key));
  }

  /** The entity if `credentials` may read it, else undefined. */
  async visibleEntity(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    const [decision] = this.#permissions
      ? await this.#permissions.authorizeConditional(
          [{ permission: catalogEntityRead }],
          { credentials },
        )
      : [{ result: AuthorizeResult.CONDITIONAL }];
    if (decision.result === AuthorizeResult.DENY) {
      return undefined;
    }
    if (decision.result === AuthorizeResult.ALLOW) {
      return this.entity(ref);
    }
    // The catalog applies the policy's conditions for this user.
    return this.#catalog.getEntityByRef(ref, { credentials });
  }

  /** The catalog, with the plugin's own reads and users' entity reads cached. */
  catalogService(): CatalogService {
    const catalog = this.#catalog;
    const own = (options: { credentials: BackstageCredentials }) =>
      this.#auth.isPrincipal(options.credentials, 'service');
    const cached: Partial<CatalogService> = {
      getEntityByRef: async (ref: string | CompoundEntityRef, options) => {
        const normalized =
          typeof ref === 'string' ? ref : stringifyEntityRef(ref);
        return own(options)
          ? this.entity(normalized)
          : this.visibleEntity(normalized, options.credentials);
      },
      // `fields` are not applied: callers get whole entities, a superset.
      getEntitiesByRefs: async (request, options) =>
        own(options) && request.filter === undefined
          ? {
              items: await Promise.all(
                request.entityRefs.map(ref => this.entity(ref)),
              ),
            }
          : catalog.getEntitiesByRefs(request, options),
      getEntities: async (request, options) =>
        own(options)
          ? this.#query(request ?? {})
          : catalog.getEntities(request, options),
    };
    return new Proxy(catalog, {
      get(target, property) {
        if (property in cached) {
          return cached[property as keyof CatalogService];
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** What a filter finds, as the plugin sees it; keyed by the whole request. */
  #query(request: GetEntitiesRequest): Promise<{ items: Entity[] }> {
    return this.#queries.get(JSON.stringify(request), async () => {
      const { items } = await this.#catalog.getEntities(request, {
        credentials: await this.#auth.getOwnServiceCredentials(),
      });
      return { items };
    });
  }

  /** Queues `ref` for the next batched catalog read. */
  #load(ref: string): Promise<Entity | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.#pending.get(ref);
      if (waiting) {
        waiting.push({ resolve, reject });
        return;
      }
      if (this.#pending.size === 0) {
        setImmediate(() => this.#flush());
      }
      this.#pending.set(ref, [{ resolve, reject }]);
    });
  }

  async #flush() {
    const batch = this.#pending;
    this.#pending = new Map();
    const refs = [...batch.keys()];
    try {
      const credentials = await this.#auth.getOwnServiceCredentials();
      for (let i = 0; i < refs.length; i += BATCH_SIZE) {
        const chunk = refs.slice(i, i + BATCH_SIZE);
        const { items } = await this.#catalog.getEntitiesByRefs(
          { entityRefs: chunk },
          { credentials },
        );
        chunk.forEach((ref, j) =>
          batch.get(ref)!.forEach(w => w.resolve(items[j] ?? undefined)),
        );
        chunk.forEach(ref => batch.delete(ref));
      }
    } catch (error) {
      for (const waiting of batch.values()) {
        waiting.forEach(w => w.reject(error));
      }
    }
  }
}
