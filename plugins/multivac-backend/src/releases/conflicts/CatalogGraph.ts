import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/** The kinds whose releases can affect each other. */
export const GRAPH_KINDS = ['Component', 'Resource', 'API', 'System'];

/** The entity fields the graph is built from. */
export const GRAPH_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'relations',
];

/**
 * One step of "A depends on B": `dependsOn` (or its `dependencyOf` mirror);
 * `consumesApi` (A consumes the API entity B); `providedBy` (API A is
 * provided by B); `api` (A consumes an API, `via`, that B provides).
 */
export interface DependencyLink {
  type: 'dependsOn' | 'consumesApi' | 'providedBy' | 'api';
  from: string;
  to: string;
  via?: string;
}

/** Links from the entity that depends to the one it depends on, in order. */
export type DependencyPath = DependencyLink[];

const add = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
};

const kindOf = (ref: string) => ref.slice(0, ref.indexOf(':'));

/**
 * Who depends on whom in the catalog, through dependsOn/dependencyOf and
 * APIs (X consumesApi A and Y providesApi A ⇒ X depends on Y), with owners
 * and Systems. Refs are lower-case full refs, as the catalog writes them in
 * relations.
 */
export class CatalogGraph {
  /** Direct links from each entity to what it depends on. */
  private readonly dependencies = new Map<string, DependencyLink[]>();
  /** The same links, indexed by the entity depended on. */
  private readonly dependents = new Map<string, DependencyLink[]>();
  private readonly owners = new Map<string, string>();
  private readonly systems = new Map<string, string[]>();
  private readonly systemParts = new Map<string, string[]>();
  private readonly refs = new Set<string>();

  static fromEntities(entities: Entity[]): CatalogGraph {
    return new CatalogGraph(entities);
  }

  private constructor(entities: Entity[]) {
    const direct = new Map<string, Set<string>>();
    const consumers = new Map<string, string[]>();
    const providers = new Map<string, string[]>();
    const links: DependencyLink[] = [];
    const dependsOn = (from: string, to: string) => {
      if (from === to || direct.get(from)?.has(to)) return;
      direct.set(from, (direct.get(from) ?? new Set()).add(to));
      links.push({ type: 'dependsOn', from, to });
    };
    const partOf = (part: string, system: string) => {
      if (kindOf(system) !== 'system') return;
      if (!this.systems.get(part)?.includes(system)) {
        add(this.systems, part, system);
        add(this.systemParts, system, part);
      }
    };

    for (const entity of entities) {
      const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
      this.refs.add(ref);
      for (const { type, targetRef } of entity.relations ?? []) {
        const target = targetRef.toLocaleLowerCase('en-US');
        switch (type) {
          case 'dependsOn':
            dependsOn(ref, target);
            break;
          case 'dependencyOf':
            dependsOn(target, ref);
            break;
          case 'consumesApi':
            add(consumers, target, ref);
            break;
          case 'apiConsumedBy':
            add(consumers, ref, target);
            break;
          case 'providesApi':
            add(providers, target, ref);
            break;
          case 'apiProvidedBy':
            add(providers, ref, target);
            break;
          case 'ownedBy':
            if (!this.owners.has(ref)) this.owners.set(ref, target);
            break;
          case 'partOf':
            partOf(ref, target);
            break;
          case 'hasPart':
            partOf(target, ref);
            break;
          default:
        }
      }
    }

    // dependsOn wins over an API link between the same two entities.
    const apiLink = (link: DependencyLink) => {
      if (link.from === link.to || direct.get(link.from)?.has(link.to)) return;
      direct.set(link.from, (direct.get(link.from) ?? new Set()).add(link.to));
      links.push(link);
    };
    for (const [api, apiConsumers] of consumers) {
      const apiProviders = [...new Set(providers.get(api) ?? [])];
      for (const consumer of new Set(apiConsumers)) {
        apiLink({ type: 'consumesApi', from: consumer, to: api });
        for (const provider of apiProviders) {
          apiLink({ type: 'api', from: consumer, to: provider, via: api });
        }
      }
    }
    for (const [api, apiProviders] of providers) {
      for (const provider of new Set(apiProviders)) {
        apiLink({ type: 'providedBy', from: api, to: provider });
      }
    }
    for (const link of links) {
      add(this.dependencies, link.from, link);
      add(this.dependents, link.to, link);
    }
  }

  /** Normalizes a ref the way relations spell it. */
  static key(ref: string): string {
    return stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
  }

  get size(): number {
    return this.refs.size;
  }

  has(ref: string): boolean {
    return this.refs.has(ref);
  }

  ownerOf(ref: string): string | undefined {
    return this.owners.get(ref);
  }

  systemsOf(ref: string): string[] {
    return this.systems.get(ref) ?? [];
  }

  partsOf(system: string): string[] {
    return this.systemParts.get(system) ?? [];
  }

  /**
   * What `ref` depends on, up to `depth` links away, each with the shortest
   * path from `ref` to it.
   */
  dependenciesOf(ref: string, depth: number): Map<string, DependencyPath> {
    return this.walk(ref, depth, this.dependencies, link => link.to, true);
  }

  /**
   * What depends on `ref`, up to `depth` links away, each with the shortest
   * path from it to `ref`.
   */
  dependentsOf(ref: string, depth: number): Map<string, DependencyPath> {
    return this.walk(ref, depth, this.dependents, link => link.from, false);
  }

  private walk(
    start: string,
    depth: number,
    edges: Map<string, DependencyLink[]>,
    next: (link: DependencyLink) => string,
    outward: boolean,
  ): Map<string, DependencyPath> {
    const found = new Map<string, DependencyPath>();
    let frontier: Array<{ ref: string; path: DependencyPath }> = [
      { ref: start, path: [] },
    ];
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const following: typeof frontier = [];
      for (const { ref, path } of frontier) {
        for (const link of edges.get(ref) ?? []) {
          const target = next(link);
          if (target === start || found.has(target)) continue;
          const extended = outward ? [...path, link] : [link, ...path];
          found.set(target, extended);
          following.push({ ref: target, path: extended });
        }
      }
      frontier = following;
    }
    return found;
  }
}
