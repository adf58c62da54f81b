import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** Catalog look-ups behind the incident routes. */
export class CatalogEntities {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  /** `payments-api` → `component:default/payments-api`; 400 when malformed. */
  normalize(refs: string[]): string[] {
    return refs.map(ref => normalizeRef(ref));
  }

  async requireExisting(
    refs: string[],
    credentials: BackstageCredentials,
    field = 'entityRefs',
  ): Promise<string[]> {
    return this.requireInCatalog(this.normalize(refs), credentials, field);
  }

  /** `ada` → `user:default/ada`; 400 naming `field` when malformed. */
  normalizeUsers(refs: string[], field: string): string[] {
    return refs.map(ref => normalizeRef(ref, field, 'user'));
  }

  /** Normalized users; 400 naming `field` unless each is a catalog User. */
  async requireUsers(
    refs: string[],
    credentials: BackstageCredentials,
    field: string,
  ): Promise<string[]> {
    const normalized = this.normalizeUsers(refs, field);
    const notUsers = normalized.filter(
      ref => parseEntityRef(ref).kind !== 'user',
    );
    if (notUsers.length > 0) {
      throw new InputError(
        `${field}: not a catalog User: ${notUsers.join(', ')}`,
      );
    }
    return this.requireInCatalog(normalized, credentials, field);
  }

  private async requireInCatalog(
    normalized: string[],
    credentials: BackstageCredentials,
    field: string,
  ): Promise<string[]> {
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: normalized, fields: ['kind', 'metadata.name'] },
      { credentials },
    );
    const unknown = normalized.filter((_, i) => !items[i]);
    if (unknown.length > 0) {
      throw new InputError(
        `${field}: unknown catalog ${
          unknown.length === 1 ? 'entity' : 'entities'
        }: ${unknown.join(', ')}`,
      );
    }
    return normalized;
  }

  /**
   * The refs themselves plus what they own (Groups) or contain (Systems,
   * Domains), so that a team's page shows its services' incidents.
   */
  async withOwnedAndContained(refs: string[]): Promise<string[]> {
    const normalized = this.normalize(refs);
    const parents = normalized.filter(ref =>
      ['group', 'system', 'domain', 'user'].includes(parseEntityRef(ref).kind),
    );
    if (parents.length === 0) {
      return normalized;
    }
    const { items } = await this.catalog.getEntities(
      {
        filter: [
          { 'relations.ownedBy': parents },
          { 'relations.partOf': parents },
        ],
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return [
      ...new Set([...normalized, ...items.map(e => stringifyEntityRef(e))]),
    ];
  }
}

function normalizeRef(
  ref: string,
  field = 'entityRefs',
  defaultKind = 'component',
): string {
  let parsed: CompoundEntityRef;
  try {
    parsed = parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
  } catch (error) {
    throw new InputError(`${field}: '${ref}' is not a catalog entity ref`);
  }
  return stringifyEntityRef(parsed);
}
