import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  displayNameOf,
  IncidentInsights,
  IncidentMetrics,
  insightsQuerySchema,
  InsightsPeriod,
  InterruptionCounts,
  InterruptionInsights,
} from '@multivac/plugin-multivac-common';
import { z } from 'zod';
import {
  IncidentGrouping,
  InsightsFilter,
  InsightsStore,
} from './InsightsStore';

const DAY_MS = 86_400_000;
/** How long an entity's owner, read from the catalog, is trusted. */
const OWNER_TTL_MS = 10 * 60_000;
const LOOKUP_CHUNK = 200;

/** A parsed insights query: the period, the previous one, the filters. */
export interface InsightsScope {
  current: { from: Date; to: Date };
  previous: { from: Date; to: Date };
  /** Bucket of the trend: a day up to 31 days, else a week. */
  bucketSeconds: number;
  team?: string;
  service?: string;
  severity?: InsightsFilter['severity'];
  person?: string;
}

const EMPTY_METRICS: IncidentMetrics = {
  count: 0,
  mtta: { n: 0, mean: null, p50: null, p90: null },
  mttr: { n: 0, mean: null, p50: null, p90: null },
  mobilise: { n: 0, mean: null, p50: null, p90: null },
};
const NO_INTERRUPTIONS: InterruptionCounts = {
  total: 0,
  business: 0,
  evening: 0,
  sleep: 0,
  weekend: 0,
};

/**
 * Incident metrics and interruptions for a period, a team, a service: the
 * store aggregates, this adds the previous period, the owners of the
 * entities (from the catalog) and display names.
 */
export class InsightsService {
  constructor(
    private readonly store: InsightsStore,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The query's period and filters; a malformed team or service is a 400,
   * one the catalog does not know a 404, each naming the field.
   */
  async scope(
    query: z.output<typeof insightsQuerySchema>,
  ): Promise<InsightsScope> {
    const days = Number(query.period.slice(0, -1));
    const to = query.end ? new Date(query.end) : this.now();
    const from = new Date(to.getTime() - days * DAY_MS);
    const team =
      query.team && (await this.requireEntity('team', query.team, 'group'));
    if (team && parseEntityRef(team).kind !== 'group') {
      throw new InputError(`team: ${team} is not a Group`);
    }
    return {
      current: { from, to },
      previous: { from: new Date(from.getTime() - days * DAY_MS), to: from },
      bucketSeconds: (days <= 31 ? 1 : 7) * 86_400,
      team,
      service:
        query.service &&
        (await this.requireEntity('service', query.service, 'component')),
      severity: query.severity,
      person:
        query.person &&
        (await this.requireEntity('person', query.person, 'user')),
    };
  }

  async incidents(scope: InsightsScope): Promise<IncidentInsights> {
    await this.refreshOwners(scope);
    const filter = (period: { from: Date; to: Date }): InsightsFilter => ({
      ...period,
      team: scope.team,
      service: scope.service,
      severity: scope.severity,
    });
    const current = filter(scope.current);
    const previous = filter(scope.previous);
    const grouped = async (grouping: IncidentGrouping) => {
      const [now, before] = await Promise.all([
        this.store.incidentMetrics(current, grouping),
        this.store.incidentMetrics(previous, grouping),
      ]);
      const earlier = new Map(before.map(({ key, ...m }) => [key, m]));
      return now.map(row => ({
        ...row,
        previous: earlier.get(row.key) ?? EMPTY_METRICS,
      }));
    };
    const [[total], [previousTotal], byTeam, byService, bySeverity, buckets] =
      await Promise.all([
        this.store.incidentMetrics(current, { by: 'all' }),
        this.store.incidentMetrics(previous, { by: 'all' }),
        grouped({ by: 'team' }),
        grouped({ by: 'service' }),
        grouped({ by: 'severity' }),
        this.store.incidentMetrics(current, {
          by: 'bucket',
          seconds: scope.bucketSeconds,
        }),
      ]);
    const names = await this.names([
      ...byTeam.map(r => r.key),
      ...byService.map(r => r.key),
    ]);
    const metrics = ({ count, mtta, mttr, mobilise }: IncidentMetrics) => ({
      count,
      mtta,
      mttr,
      mobilise,
    });
    const now = total ? metrics(total) : EMPTY_METRICS;
    const before = previousTotal ? metrics(previousTotal) : EMPTY_METRICS;
    const byBucket = new Map(buckets.map(b => [Number(b.key), b]));
    const bucketCount = Math.ceil(
      (scope.current.to.getTime() - scope.current.from.getTime()) /
        (scope.bucketSeconds * 1000),
    );
    return {
      period: iso(scope.current),
      previousPeriod: iso(scope.previous),
      total: now,
      previous: before,
      change: {
        count: change(now.count, before.count),
        mttaMean: change(now.mtta.mean, before.mtta.mean),
        mttrMean: change(now.mttr.mean, before.mttr.mean),
        mobiliseMean: change(now.mobilise.mean, before.mobilise.mean),
      },
      byTeam: byTeam.map(r => ({
        ...r,
        name: r.key ? names.get(r.key) ?? r.key : 'No owner',
      })),
      byService: byService.map(r => ({
        ...r,
        name: names.get(r.key) ?? r.key,
      })),
      bySeverity: bySeverity.map(r => ({ ...r, name: r.key })),
      // Every bucket, empty ones too, so that trend lines keep their time axis.
      trend: Array.from({ length: bucketCount }, (_, i) => {
        const bucket = byBucket.get(i);
        return {
          start: new Date(
            scope.current.from.getTime() + i * scope.bucketSeconds * 1000,
          ).toISOString(),
          ...(bucket ? metrics(bucket) : EMPTY_METRICS),
        };
      }),
    };
  }

  async interruptions(scope: InsightsScope): Promise<InterruptionInsights> {
    await this.refreshOwners(scope);
    const filter = (period: { from: Date; to: Date }): InsightsFilter => ({
      ...period,
      team: scope.team,
      service: scope.service,
      severity: scope.severity,
      person: scope.person,
    });
    const [[total], [previous], byPerson, heatmap] = await Promise.all([
      this.store.interruptions(filter(scope.current), 'all'),
      this.store.interruptions(filter(scope.previous), 'all'),
      this.store.interruptions(filter(scope.current), 'person'),
      this.store.interruptionHeatmap(filter(scope.current)),
    ]);
    const names = await this.names(byPerson.map(p => p.key));
    const counts = ({
      key: _key,
      ...rest
    }: InterruptionCounts & { key: string }) => rest;
    return {
      period: iso(scope.current),
      previousPeriod: iso(scope.previous),
      total: total ? counts(total) : NO_INTERRUPTIONS,
      previous: previous ? counts(previous) : NO_INTERRUPTIONS,
      byPerson: byPerson.map(p => ({
        userRef: p.key,
        name: names.get(p.key) ?? p.key,
        ...counts(p),
      })),
      heatmap,
    };
  }

  private async requireEntity(
    field: string,
    ref: string,
    defaultKind: string,
  ): Promise<string> {
    let normalized: string;
    try {
      normalized = stringifyEntityRef(
        parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
      );
    } catch {
      throw new InputError(`${field}: '${ref}' is not a catalog entity ref`);
    }
    const [entity] = await this.lookup([normalized]);
    if (!entity) {
      throw new NotFoundError(`${field}: ${normalized} is not in the catalog`);
    }
    return normalized;
  }

  /**
   * Records the owner Group of each entity the periods' incidents and
   * notifications name, unless known for less than ten minutes. A Group's
   * owner is itself.
   */
  private async refreshOwners(scope: InsightsScope): Promise<void> {
    const refs = await this.store.entitiesToRefresh(
      scope.previous.from,
      scope.current.to,
      new Date(this.now().getTime() - OWNER_TTL_MS),
    );
    if (refs.length === 0) {
      return;
    }
    const entities = await this.lookup(refs);
    await this.store.setOwners(
      refs.map((entityRef, i) => ({
        entityRef,
        ownerRef: ownerOf(entityRef, entities[i]),
      })),
    );
  }

  private async names(refs: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(refs.filter(Boolean))];
    const entities = await this.lookup(unique);
    return new Map(
      unique.map((ref, i) => [ref, displayNameOf(entities[i], ref)]),
    );
  }

  private async lookup(refs: string[]): Promise<Array<Entity | undefined>> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const found: Array<Entity | undefined> = [];
    for (let i = 0; i < refs.length; i += LOOKUP_CHUNK) {
      const { items } = await this.catalog.getEntitiesByRefs(
        {
          entityRefs: refs.slice(i, i + LOOKUP_CHUNK),
          fields: ['kind', 'metadata', 'spec.profile', 'relations'],
        },
        { credentials },
      );
      found.push(...items.map(item => item ?? undefined));
    }
    return found;
  }
}

function ownerOf(ref: string, entity: Entity | undefined): string {
  if (parseEntityRef(ref).kind === 'group') {
    return ref;
  }
  const owner = entity?.relations?.find(r => r.type === 'ownedBy')?.targetRef;
  return owner && parseEntityRef(owner).kind === 'group' ? owner : '';
}

/** (now − before) / before; null without a base to compare with. */
function change(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) {
    return null;
  }
  return Math.round(((now - before) / before) * 10_000) / 10_000;
}

function iso(period: { from: Date; to: Date }): InsightsPeriod {
  return { from: period.from.toISOString(), to: period.to.toISOString() };
}
