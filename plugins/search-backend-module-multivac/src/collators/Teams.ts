import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** The teams of an incident or a post-mortem, as indexed. */
export interface TeamFields {
  /** The teams' names as the catalog shows them, `, `-separated ('' for none). */
  team: string;
  /** The owning Groups' refs, sorted. */
  teamRefs: string[];
}

/**
 * The owning Group(s) of catalog entities, read from the catalog as the
 * search plugin. One instance serves one collator run: what it has read it
 * keeps for the run's later pages, and a new run reads the catalog again.
 */
export class Teams {
  /** Entity ref → its owning Groups' refs. */
  private readonly owners = new Map<string, string[]>();
  /** Group ref → its display name. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  /**
   * Reads what `entityRefsOfPage` (the entity refs of a page of items) need
   * and has not been read yet: two catalog requests at most.
   */
  async load(entityRefsOfPage: string[][]): Promise<void> {
    const entityRefs = unique(entityRefsOfPage.flat()).filter(
      ref => !this.owners.has(ref),
    );
    for (const [i, entity] of (await this.read(entityRefs)).entries()) {
      this.owners.set(entityRefs[i], entity ? owningGroups(entity) : []);
    }
    const groupRefs = unique(
      entityRefs.flatMap(ref => this.owners.get(ref)!),
    ).filter(ref => !this.names.has(ref));
    for (const [i, group] of (await this.read(groupRefs)).entries()) {
      this.names.set(
        groupRefs[i],
        group ? displayName(group) : parseEntityRef(groupRefs[i]).name,
      );
    }
  }

  /** The teams of `entityRefs`, from what `load` read. */
  of(entityRefs: string[]): TeamFields {
    const teamRefs = unique(
      entityRefs.flatMap(ref => this.owners.get(ref) ?? []),
    ).sort();
    return {
      team: teamRefs.map(ref => this.names.get(ref)).join(', '),
      teamRefs,
    };
  }

  private async read(entityRefs: string[]) {
    if (entityRefs.length === 0) {
      return [];
    }
    const { items } = await this.catalog.getEntitiesByRefs(
      {
        entityRefs,
        fields: ['kind', 'metadata', 'spec.profile', 'relations'],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return items;
  }
}

/**
 * The Groups that own `entity` (its `ownedBy` relations to Groups); a Group
 * is its own team.
 */
function owningGroups(entity: Entity): string[] {
  if (entity.kind.toLocaleLowerCase('en-US') === 'group') {
    return [stringifyEntityRef(getCompoundEntityRef(entity))];
  }
  return (entity.relations ?? [])
    .filter(
      relation =>
        relation.type === RELATION_OWNED_BY &&
        parseEntityRef(relation.targetRef).kind === 'group',
    )
    .map(relation => relation.targetRef);
}

function displayName(group: Entity): string {
  const profile = group.spec?.profile as { displayName?: unknown } | undefined;
  return typeof profile?.displayName === 'string' && profile.displayName
    ? profile.displayName
    : group.metadata.title ?? group.metadata.name;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
