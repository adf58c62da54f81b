import { InputError } from '@backstage/errors';
import {
  ACTIVE_INCIDENT_STATES,
  ReleaseCheckResult,
  ReleaseConflict,
  ReleaseConflictKind,
  ReleaseEnvironment,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { IncidentStore } from '../../database/IncidentStore';
import { ReleaseStore } from '../ReleaseStore';
import { FreezeDefinition, ReleaseSettings } from '../settings';
import { CatalogGraph, DependencyPath } from './CatalogGraph';
import { CatalogGraphSource } from './CatalogGraphCache';
import {
  freezeApplies,
  freezePeriods,
  Interval,
  overlapMinutes,
} from './freezes';
import { ConflictSentences } from './sentences';

/** A window someone wants to book, or moves a release to. */
export interface ReleaseProposal {
  /** A full entity ref. */
  entityRef: string;
  environment: string;
  start: string;
  end: string;
  /** The release being moved, which does not conflict with itself. */
  excludeReleaseId?: string;
}

/**
 * The part of a check that reads other releases: run it inside the
 * booking's transaction (see ReleaseStore.withEnvironmentLock).
 */
export interface PreparedCheck {
  complete(db?: Knex): Promise<ReleaseCheckResult>;
}

type Conflict = Omit<ReleaseConflict, 'blocking'> & { sortKey: number };

const KIND_ORDER: ReleaseConflictKind[] = [
  'same-entity',
  'dependency',
  'api',
  'dependent',
  'system',
  'freeze',
  'incident',
];

const viaApi = (path: DependencyPath) => path.some(l => l.type !== 'dependsOn');

/**
 * Finds what a proposed release window conflicts with: releases of the same
 * entity, of what it depends on and what depends on it (through dependsOn
 * and APIs, up to `dependencyDepth` links), of its System, freezes, and
 * active incidents on any of those entities. Each conflict is explained in a
 * sentence and blocks when the environment's policy is `block`.
 */
export class ConflictChecker {
  constructor(
    private readonly options: {
      graph: CatalogGraphSource;
      releases: Pick<ReleaseStore, 'findOverlapping'>;
      incidents: Pick<IncidentStore, 'listIncidents'>;
      settings: ReleaseSettings;
      now?: () => Date;
    },
  ) {}

  /** The configured environment; 400 naming the configured ones otherwise. */
  private environment(id: string): ReleaseEnvironment {
    const { environments } = this.options.settings;
    const environment = environments.find(e => e.id === id);
    if (!environment) {
      throw new InputError(
        `environment: unknown environment '${id}'; configured: ${environments
          .map(e => e.id)
          .join(', ')}`,
      );
    }
    return environment;
  }

  async check(proposal: ReleaseProposal): Promise<ReleaseCheckResult> {
    return (await this.prepare(proposal)).complete();
  }

  /**
   * Everything that does not depend on other releases: the catalog graph,
   * freezes and incidents.
   */
  async prepare(proposal: ReleaseProposal): Promise<PreparedCheck> {
    const { settings } = this.options;
    const environment = this.environment(proposal.environment);
    const graph = await this.options.graph.get();
    const key = CatalogGraph.key(proposal.entityRef);
    const window: Interval = {
      start: Date.parse(proposal.start),
      end: Date.parse(proposal.end),
    };
    const sentences = new ConflictSentences(settings.timeZone, window);
    const dependencies = graph.dependenciesOf(key, settings.dependencyDepth);
    const dependents = graph.dependentsOf(key, settings.dependencyDepth);
    const systems = graph.systemsOf(key);

    const fixed = [
      ...this.freezeConflicts(proposal, key, graph, window, sentences),
      ...(await this.incidentConflicts(
        key,
        window,
        dependencies,
        dependents,
        sentences,
      )),
    ];

    const releaseConflicts = async (db?: Knex): Promise<Conflict[]> => {
      const others = await this.options.releases.findOverlapping(
        {
          environment: proposal.environment,
          start: proposal.start,
          end: proposal.end,
          excludeId: proposal.excludeReleaseId,
        },
        db,
      );
      return others.flatMap((other): Conflict[] => {
        const otherKey = other.entityRef.toLocaleLowerCase('en-US');
        const period = {
          start: Date.parse(other.start),
          end: Date.parse(other.end),
        };
        const overlap = overlapMinutes(window, period);
        const base = {
          entityRef: other.entityRef,
          releaseId: other.id,
          releaseReference: other.reference,
          overlapMinutes: overlap,
          sortKey: period.start,
        };
        if (otherKey === key) {
          return [
            {
              ...base,
              kind: 'same-entity',
              sentence: sentences.sameEntity(key, other, period, overlap),
            },
          ];
        }
        const dependencyPath = dependencies.get(otherKey);
        if (dependencyPath) {
          return [
            {
              ...base,
              kind: viaApi(dependencyPath) ? 'api' : 'dependency',
              sentence: sentences.dependency(dependencyPath, period, overlap),
            },
          ];
        }
        const dependentPath = dependents.get(otherKey);
        if (dependentPath) {
          return [
            {
              ...base,
              kind: viaApi(dependentPath) ? 'api' : 'dependent',
              sentence: sentences.dependent(dependentPath, period, overlap),
            },
          ];
        }
        const system =
          settings.sameSystem &&
          graph.systemsOf(otherKey).find(s => systems.includes(s));
        if (system) {
          return [
            {
              ...base,
              kind: 'system',
              sentence: sentences.sameSystem(otherKey, system, period, overlap),
            },
          ];
        }
        return [];
      });
    };

    return {
      complete: async db => {
        const blocking = environment.policy === 'block';
        const conflicts = [...(await releaseConflicts(db)), ...fixed]
          .sort(
            (a, b) =>
              KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
              a.sortKey - b.sortKey,
          )
          .map(({ sortKey, ...conflict }) => ({ ...conflict, blocking }));
        return { conflicts, blocked: blocking && conflicts.length > 0 };
      },
    };
  }

  private freezeConflicts(
    proposal: ReleaseProposal,
    key: string,
    graph: CatalogGraph,
    window: Interval,
    sentences: ConflictSentences,
  ): Conflict[] {
    const release = {
      entityRef: key,
      environment: proposal.environment,
      systems: graph.systemsOf(key),
      ownerRef: graph.ownerOf(key),
    };
    return this.options.settings.freezes
      .filter(freeze => freezeApplies(freeze, release))
      .flatMap(freeze =>
        freezePeriods(freeze, window).map(period => {
          const overlap = overlapMinutes(window, period);
          return {
            kind: 'freeze' as const,
            freezeId: freeze.id,
            overlapMinutes: overlap,
            sortKey: period.start,
            sentence: sentences.freeze(
              freeze,
              describeScope(freeze, release),
              period,
              overlap,
            ),
          };
        }),
      );
  }

  private async incidentConflicts(
    key: string,
    window: Interval,
    dependencies: Map<string, DependencyPath>,
    dependents: Map<string, DependencyPath>,
    sentences: ConflictSentences,
  ): Promise<Conflict[]> {
    const now = (this.options.now?.() ?? new Date()).getTime();
    const horizon = now + this.options.settings.incidentFreezeHours * 3_600_000;
    if (window.end <= now || window.start >= horizon) {
      return [];
    }
    // Closest first: the entity itself, what it depends on, what depends on it.
    const affected = new Map<
      string,
      { path: DependencyPath; direction: 'dependency' | 'dependent' }
    >([[key, { path: [], direction: 'dependency' }]]);
    for (const [ref, path] of dependencies) {
      affected.set(ref, { path, direction: 'dependency' });
    }
    for (const [ref, path] of dependents) {
      if (!affected.has(ref)) {
        affected.set(ref, { path, direction: 'dependent' });
      }
    }
    const { items } = await this.options.incidents.listIncidents({
      entityRefs: [...affected.keys()],
      statuses: [...ACTIVE_INCIDENT_STATES],
      limit: 100,
      offset: 0,
    });
    const order = [...affected.keys()];
    return items.map(incident => {
      const refs = incident.entityRefs.map(r => r.toLocaleLowerCase('en-US'));
      const entityRef = order.find(ref => refs.includes(ref))!;
      return {
        kind: 'incident' as const,
        entityRef,
        incidentReference: incident.reference,
        sortKey: order.indexOf(entityRef),
        sentence: sentences.incident(
          entityRef,
          affected.get(entityRef)!,
          incident,
        ),
      };
    });
  }
}

/** What of the release a scoped freeze covers, for its sentence. */
function describeScope(
  freeze: FreezeDefinition,
  release: { entityRef: string; systems: string[]; ownerRef?: string },
): string {
  const { systems, groups, entities } = freeze.scope;
  if (entities.includes(release.entityRef)) {
    return shortRef(release.entityRef);
  }
  const system = systems.find(s => release.systems.includes(s));
  if (system) {
    return `the ${shortRef(system)} system`;
  }
  if (release.ownerRef && groups.includes(release.ownerRef)) {
    return `the ${shortRef(release.ownerRef)} team`;
  }
  return 'all releases';
}
