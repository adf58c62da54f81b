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
import { closestMatch } from '@multivac/plugin-multivac-common';

/**
 * Most entities a Group, System or Domain filter, or an ownership condition
 * of the permission policy, may stand for: the list goes into SQL as
 * parameters, which SQLite and PostgreSQL limit (32,766 and 65,535).
 */
export const MAX_EXPANDED_ENTITY_REFS = 2000;

/** How many names of a kind an unknown ref is compared with for a hint. */
const MAX_SUGGESTION_CANDIDATES = 10_000;

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
      const meant = await this.suggestion(unknown[0]);
      throw new InputError(
        `${field}: unknown catalog ${
          unknown.length === 1 ? 'entity' : 'entities'
        }: ${unknown.join(', ')}${meant ? `. Did you mean ${meant}?` : ''}`,
      );
    }
    return normalized;
  }

  /**
   * The entity of the same kind and namespace that an unknown ref was
   * probably meant to be (a typo: `paymnets-api`), written as people type it
   * (`payments-api` for a Component in the default namespace, else the
   * ref); undefined when none is close, or when the catalog does not answer
   * (the refusal then goes without a hint).
   */
  private async suggestion(ref: string): Promise<string | undefined> {
    const { kind, namespace, name } = parseEntityRef(ref);
    try {
      const { items } = await this.catalog.getEntities(
        {
          filter: { kind, 'metadata.namespace': namespace },
          fields: ['metadata.name'],
          limit: MAX_SUGGESTION_CANDIDATES,
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      const meant = closestMatch(
        name,
        items.map(item => item.metadata.name),
      );
      if (!meant) {
        return undefined;
      }
      return kind === 'component' && namespace === 'default'
        ? meant
        : stringifyEntityRef({ kind, namespace, name: meant });
    } catch {
      return undefined;
    }
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
    const children = await this.related(
      [{ 'relations.ownedBy': parents }, { 'relations.partOf': parents }],
      () =>
        new InputError(
          `entityRef: ${normalized.join(', ')} stand for more than ` +
            `${MAX_EXPANDED_ENTITY_REFS} catalog entities (what they own or ` +
            `contain); ask about fewer or smaller ones`,
        ),
    );
    return [...new Set([...normalized, ...children])];
  }

  /**
   * The claims (a user and their groups) and every entity they own: what an
   * ownership condition of the permission policy lets through.
   */
  async ownedBy(claims: string[]): Promise<string[]> {
    if (claims.length === 0) {
      return [];
    }
    const owned = await this.related(
      [{ 'relations.ownedBy': claims }],
      () =>
        new InputError(
          `Your groups own more than ${MAX_EXPANDED_ENTITY_REFS} catalog ` +
            `entities, more than a list filtered by ownership can hold; ` +
            `filter by entityRef`,
        ),
    );
    return [...new Set([...claims, ...owned])];
  }

  /** For each entity ref, the refs of its owners (`ownedBy` relations). */
  async ownersOf(refs: string[]): Promise<Map<string, string[]>> {
    const unique = [...new Set(refs)];
    if (unique.length === 0) {
      return new Map();
    }
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: unique, fields: ['relations'] },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return new Map(
      unique.map((ref, i) => [
        ref,
        (items[i]?.relations ?? [])
          .filter(relation => relation.type === 'ownedBy')
          .map(relation => relation.targetRef),
      ]),
    );
  }

  /** Refs of the entities matching `filter`; `tooMany` past the cap. */
  private async related(
    filter: Array<Record<string, string[]>>,
    tooMany: () => Error,
  ): Promise<string[]> {
    const { items } = await this.catalog.getEntities(
      {
        filter,
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
        limit: MAX_EXPANDED_ENTITY_REFS + 1,
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    if (items.length > MAX_EXPANDED_ENTITY_REFS) {
      throw tooMany();
    }
    return items.map(e => stringifyEntityRef(e));
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
