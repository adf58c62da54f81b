import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** How long "is this entity in the catalog" is trusted during routing. */
export const CATALOG_EXISTENCE_TTL_MS = 30_000;
/** Entity refs remembered at most (the oldest is forgotten first). */
export const CATALOG_EXISTENCE_MAX_ENTRIES = 5_000;

/**
 * Whether entities are in the catalog, as the backend itself sees them,
 * remembered briefly: an alert storm of 500 alerts on one service asks the
 * catalog once, not 500 times. A new or removed entity is seen within the
 * TTL. Bounded in size and time, per replica.
 */
export class CatalogExistence {
  private readonly known = new Map<
    string,
    { exists: boolean; expires: number }
  >();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly options: {
      ttlMs?: number;
      maxEntries?: number;
      now?: () => number;
    } = {},
  ) {}

  /** One answer per ref, in order; one catalog call for those not known. */
  async exist(refs: string[]): Promise<boolean[]> {
    const now = this.options.now?.() ?? Date.now();
    const unknown = [
      ...new Set(
        refs.filter(ref => {
          const entry = this.known.get(ref);
          return !entry || entry.expires <= now;
        }),
      ),
    ];
    const answered = new Map<string, boolean>();
    if (unknown.length > 0) {
      const { items } = await this.catalog.getEntitiesByRefs(
        { entityRefs: unknown, fields: ['kind', 'metadata.name'] },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      const expires = now + (this.options.ttlMs ?? CATALOG_EXISTENCE_TTL_MS);
      unknown.forEach((ref, i) => {
        answered.set(ref, Boolean(items[i]));
        this.remember(ref, Boolean(items[i]), expires);
      });
    }
    return refs.map(ref => answered.get(ref) ?? this.known.get(ref)!.exists);
  }

  private remember(ref: string, exists: boolean, expires: number) {
    const max = this.options.maxEntries ?? CATALOG_EXISTENCE_MAX_ENTRIES;
    this.known.delete(ref);
    while (this.known.size >= max) {
      this.known.delete(this.known.keys().next().value!);
    }
    this.known.set(ref, { exists, expires });
  }
}
