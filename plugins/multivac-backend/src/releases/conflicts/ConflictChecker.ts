import { InputError } from '@backstage/errors';
import {
  ACTIVE_INCIDENT_STATES,
  ReleaseCheckResult,
  ReleaseConflict,
  ReleaseConflictKind,
  Incident,
  Release,
  ReleaseEnvironment,
  shortRef,
} from '@multivac/plugin-multivac-common';
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
import { Transaction } from '../../database/Transaction';

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
  complete(tx?: Transaction): Promise<ReleaseCheckResult>;
}

type Conflict = Omit<ReleaseConflict, 'blocking'> & { sortKey: number };

type AffectedEntity = {
  path: DependencyPath;
  direction: 'dependency' | 'dependent';
};

/** A proposal with what the catalog says about it. */
interface CheckScope {
  proposal: ReleaseProposal;
  graph: CatalogGraph;
  /** The entity's ref, lower-case. */
  key: string;
  window: Interval;
  sentences: ConflictSentences;
  dependencies: Map<string, DependencyPath>;
  dependents: Map<string, DependencyPath>;
  systems: string[];
  /** The entity, its dependencies and its dependents, closest first. */
  affected: Map<string, AffectedEntity>;
}

/** Active incidents looked at for one check (more would be a crisis of its own). */
const MAX_ACTIVE_INCIDENTS = 500;

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
    const environment = this.environment(proposal.environment);
    const scope = this.scopeOf(proposal, await this.options.graph.get());
    const incidents = this.incidentsMatter(scope.window)
      ? await this.activeIncidents([...scope.affected.keys()])
      : [];
    return {
      complete: async tx => {
        const others = await this.options.releases.findOverlapping(
          {
            environment: proposal.environment,
            start: proposal.start,
            end: proposal.end,
            excludeId: proposal.excludeReleaseId,
          },
          tx,
        );
        return this.result(environment, scope, others, incidents);
      },
    };
  }

  /**
   * The conflicts of many windows, as `check` finds them one by one, with
   * one release query per environment and at most one incident query for
   * all of them (the calendar shows a month of releases with theirs).
   */
  async checkMany(proposals: ReleaseProposal[]): Promise<ReleaseCheckResult[]> {
    if (proposals.length === 0) {
      return [];
    }
    const graph = await this.options.graph.get();
    const checks = proposals.map(proposal => ({
      proposal,
      environment: this.environment(proposal.environment),
      scope: this.scopeOf(proposal, graph),
    }));

    const releasesByEnvironment = new Map<string, Release[]>();
    for (const environment of new Set(proposals.map(p => p.environment))) {
      const windows = checks
        .filter(c => c.proposal.environment === environment)
        .map(c => c.scope.window);
      releasesByEnvironment.set(
        environment,
        await this.options.releases.findOverlapping({
          environment,
          start: new Date(Math.min(...windows.map(w => w.start))).toISOString(),
          end: new Date(Math.max(...windows.map(w => w.end))).toISOString(),
        }),
      );
    }

    const incidentChecks = checks.filter(c =>
      this.incidentsMatter(c.scope.window),
    );
    const incidents = incidentChecks.length
      ? await this.activeIncidents([
          ...new Set(incidentChecks.flatMap(c => [...c.scope.affected.keys()])),
        ])
      : [];

    return checks.map(({ proposal, environment, scope }) => {
      const others = releasesByEnvironment
        .get(proposal.environment)!
        .filter(
          other =>
            other.id !== proposal.excludeReleaseId &&
            Date.parse(other.start) < scope.window.end &&
            Date.parse(other.end) > scope.window.start,
        );
      return this.result(environment, scope, others, incidents);
    });
  }

  /** What a window's conflicts are looked for among. */
  private scopeOf(proposal: ReleaseProposal, graph: CatalogGraph): CheckScope {
    const { dependencyDepth } = this.options.settings;
    const key = CatalogGraph.key(proposal.entityRef);
    const window: Interval = {
      start: Date.parse(proposal.start),
      end: Date.parse(proposal.end),
    };
    const dependencies = graph.dependenciesOf(key, dependencyDepth);
    const dependents = graph.dependentsOf(key, dependencyDepth);
    // Closest first: the entity itself, what it depends on, what depends on it.
    const affected = new Map<string, AffectedEntity>([
      [key, { path: [], direction: 'dependency' }],
    ]);
    for (const [ref, path] of dependencies) {
      affected.set(ref, { path, direction: 'dependency' });
    }
    for (const [ref, path] of dependents) {
      if (!affected.has(ref)) {
        affected.set(ref, { path, direction: 'dependent' });
      }
    }
    return {
      proposal,
      graph,
      key,
      window,
      sentences: new ConflictSentences(this.options.settings.timeZone, window),
      dependencies,
      dependents,
      systems: graph.systemsOf(key),
      affected,
    };
  }

  private result(
    environment: ReleaseEnvironment,
    scope: CheckScope,
    others: Release[],
    incidents: Incident[],
  ): ReleaseCheckResult {
    const blocking = environment.policy === 'block';
    const conflicts = [
      ...others.flatMap(other => this.releaseConflict(scope, other)),
      ...this.freezeConflicts(scope),
      ...this.incidentConflicts(scope, incidents),
    ]
      .sort(
        (a, b) =>
          KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
          a.sortKey - b.sortKey,
      )
      .map(({ sortKey, ...conflict }) => ({ ...conflict, blocking }));
    return { conflicts, blocked: blocking && conflicts.length > 0 };
  }

  /** How `other`, which overlaps the window, conflicts with it, if it does. */
  private releaseConflict(scope: CheckScope, other: Release): Conflict[] {
    const { key, window, sentences, dependencies, dependents, systems } = scope;
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
      this.options.settings.sameSystem &&
      scope.graph.systemsOf(otherKey).find(s => systems.includes(s));
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
  }

  private freezeConflicts(scope: CheckScope): Conflict[] {
    const { proposal, key, graph, window, sentences } = scope;
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

  /** Active incidents freeze windows from now until the configured horizon. */
  private incidentsMatter(window: Interval): boolean {
    const now = (this.options.now?.() ?? new Date()).getTime();
    const horizon = now + this.options.settings.incidentFreezeHours * 3_600_000;
    return window.end > now && window.start < horizon;
  }

  private async activeIncidents(entityRefs: string[]): Promise<Incident[]> {
    const { items } = await this.options.incidents.listIncidents({
      entityRefs,
      statuses: [...ACTIVE_INCIDENT_STATES],
      limit: MAX_ACTIVE_INCIDENTS,
      offset: 0,
    });
    return items;
  }

  /** `incidents` may include ones on entities outside the window's scope. */
  private incidentConflicts(
    scope: CheckScope,
    incidents: Incident[],
  ): Conflict[] {
    if (!this.incidentsMatter(scope.window)) {
      return [];
    }
    const order = [...scope.affected.keys()];
    return incidents.flatMap(incident => {
      const refs = incident.entityRefs.map(r => r.toLocaleLowerCase('en-US'));
      const entityRef = order.find(ref => refs.includes(ref));
      if (!entityRef) {
        return [];
      }
      return [
        {
          kind: 'incident' as const,
          entityRef,
          incidentReference: incident.reference,
          sortKey: order.indexOf(entityRef),
          sentence: scope.sentences.incident(
            entityRef,
            scope.affected.get(entityRef)!,
            incident,
          ),
        },
      ];
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
