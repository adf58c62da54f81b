import { AuthService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Duration } from 'luxon';
import {
  ChangeFailureInsights,
  displayNameOf,
  ServiceChangeFailure,
} from '@multivac/plugin-multivac-common';
import { CatalogGraph } from '../releases/conflicts/CatalogGraph';
import { CatalogGraphSource } from '../releases/conflicts/CatalogGraphCache';
import { ChangeFailureStore } from './ChangeFailureStore';

const WINDOW_KEY = 'multivac.insights.changeFailureWindow';
const ENVIRONMENT_KEY = 'multivac.insights.changeFailureEnvironment';
const DEFAULT_WINDOW_SECONDS = 24 * 3600;
const LOOKUP_CHUNK = 200;

/** `multivac.insights.changeFailure*`, with defaults. */
export interface ChangeFailureSettings {
  windowSeconds: number;
  environment: string;
}

/** What a change failure question covers. */
export interface ChangeFailureScope {
  from: Date;
  to: Date;
  /** A Group: releases of the entities it owns. */
  team?: string;
  /** One entity's releases. */
  service?: string;
}

/**
 * Change failure rate per released entity: the store judges the releases
 * in SQL; this adds what depends on each released entity (the catalog's
 * dependsOn and API relations, as far as release conflicts look), the
 * team's entities and display names.
 */
export class ChangeFailureService {
  constructor(
    private readonly options: {
      store: ChangeFailureStore;
      graph: CatalogGraphSource;
      /** How many dependency links away an incident still counts. */
      dependencyDepth: number;
      settings: ChangeFailureSettings;
      catalog: CatalogService;
      auth: AuthService;
    },
  ) {}

  /** Reads the settings; a bad window or environment fails naming the key. */
  static settingsFromConfig(config: Config): ChangeFailureSettings {
    let windowSeconds = DEFAULT_WINDOW_SECONDS;
    if (config.has(WINDOW_KEY)) {
      let ms: number;
      try {
        ms = Duration.fromObject(
          readDurationFromConfig(config, { key: WINDOW_KEY }),
        ).toMillis();
      } catch (error) {
        throw new Error(
          `${WINDOW_KEY}: must be a duration such as '24h' or { hours: 24 }: ${error}`,
        );
      }
      if (!(ms >= 0) || ms > 30 * 86_400_000) {
        throw new Error(`${WINDOW_KEY}: must be between 0 and 30 days`);
      }
      windowSeconds = Math.round(ms / 1000);
    }
    const environment =
      config.getOptionalString(ENVIRONMENT_KEY)?.trim() ?? 'production';
    if (!environment) {
      throw new Error(`${ENVIRONMENT_KEY}: must not be empty`);
    }
    return { windowSeconds, environment };
  }

  get settings(): ChangeFailureSettings {
    return this.options.settings;
  }

  async changeFailure(
    scope: ChangeFailureScope,
  ): Promise<ChangeFailureInsights> {
    const { store, settings } = this.options;
    const graph = await this.options.graph.get();
    let released = await store.releasedEntities(
      scope.from,
      scope.to,
      settings.environment,
    );
    if (scope.service) {
      const key = CatalogGraph.key(scope.service);
      released = released.filter(ref => ref === key);
    }
    if (scope.team) {
      const team = CatalogGraph.key(scope.team);
      released = released.filter(
        ref => graph.ownerOf(ref)?.toLocaleLowerCase('en-US') === team,
      );
    }
    const affected = new Map(
      released.map(ref => [
        ref,
        [ref, ...graph.dependentsOf(ref, this.options.dependencyDepth).keys()],
      ]),
    );
    const rows = await store.changeFailure({
      from: scope.from,
      to: scope.to,
      environment: settings.environment,
      windowSeconds: settings.windowSeconds,
      affected,
    });
    const names = await this.names(rows.map(r => r.entityRef));
    const byService: ServiceChangeFailure[] = rows.map(row => ({
      entityRef: row.entityRef,
      name: names.get(row.entityRef) ?? row.entityRef,
      releases: row.releases,
      failed: row.failed,
      rate: rate(row.failed, row.releases),
      failedReleases: row.failedReleases,
    }));
    byService.sort(
      (a, b) =>
        (b.rate ?? 0) - (a.rate ?? 0) ||
        b.releases - a.releases ||
        a.name.localeCompare(b.name),
    );
    return {
      period: {
        from: scope.from.toISOString(),
        to: scope.to.toISOString(),
      },
      environment: settings.environment,
      windowHours: Math.round((settings.windowSeconds / 3600) * 100) / 100,
      byService,
    };
  }

  private async names(refs: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(refs)];
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const names = new Map<string, string>();
    for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
      const chunk = unique.slice(i, i + LOOKUP_CHUNK);
      const { items } = await this.options.catalog.getEntitiesByRefs(
        {
          entityRefs: chunk,
          fields: ['kind', 'metadata', 'spec.profile'],
        },
        { credentials },
      );
      chunk.forEach((ref, j) =>
        names.set(ref, displayNameOf(items[j] ?? undefined, ref)),
      );
    }
    return names;
  }
}

/** failed / releases to four decimals; null without releases. */
export function rate(failed: number, releases: number): number | null {
  return releases === 0
    ? null
    : Math.round((failed / releases) * 10_000) / 10_000;
}
