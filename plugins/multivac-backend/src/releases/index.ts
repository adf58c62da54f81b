import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ReleaseSubscriber } from '@multivac/plugin-multivac-node';
import { Knex } from 'knex';
import { IncidentStore } from '../database/IncidentStore';
import { releaseDeliveries } from '../deliveries/kinds';
import { JobQueue } from '../jobs/JobQueue';
import { CatalogGraphCache } from './conflicts/CatalogGraphCache';
import { ConflictChecker } from './conflicts/ConflictChecker';
import { DatabaseFeedTokenStore } from './DatabaseFeedTokenStore';
import { DatabaseReleaseStore } from './DatabaseReleaseStore';
import { releaseDependents } from './releaseDependents';
import { ReleaseService } from './ReleaseService';
import { readReleaseSettings } from './settings';
import { catalogNames, shortNames } from '../service/peopleNames';

export { ReleaseService, ReleaseBlockedError } from './ReleaseService';
export type { FeedTokenStore } from './ReleaseStore';
export { releaseCalendar } from './calendar';

/** The release in the portal. */
export const releaseUrl = (baseUrl: string, reference: string) =>
  `${baseUrl}/multivac/releases/${reference}`;

/**
 * Builds the release calendar and schedules the tasks that announce
 * releases whose window has started and move releases to in progress and
 * done as their windows pass.
 */
export async function createReleases(options: {
  db: Knex;
  config: Config;
  incidents: IncidentStore;
  jobs: JobQueue;
  subscribers: readonly ReleaseSubscriber[];
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  scheduler: SchedulerService;
}) {
  const { db, logger } = options;
  const settings = readReleaseSettings(options.config);
  const store = new DatabaseReleaseStore(db);
  const people = catalogNames(options.catalog, options.auth);
  const graph = new CatalogGraphCache({
    catalog: options.catalog,
    auth: options.auth,
    logger,
    ttlMinutes: settings.catalogRefreshMinutes,
  });
  const deliveries = releaseDeliveries(options.jobs, options.subscribers, {
    release: id => store.get(id),
    dependents: release =>
      releaseDependents(graph, release, settings.dependencyDepth),
  });
  const service = new ReleaseService({
    store,
    graph,
    deliveries,
    dependencyDepth: settings.dependencyDepth,
    timeZone: settings.timeZone,
    names: async refs => {
      try {
        return await people(refs);
      } catch (error) {
        logger.warn(`Could not read owners' names from the catalog: ${error}`);
        return shortNames(refs);
      }
    },
    checker: new ConflictChecker({
      graph,
      releases: store,
      incidents: options.incidents,
      settings,
    }),
  });

  await options.scheduler.scheduleTask({
    id: 'multivac-release-starting',
    frequency: { minutes: 1 },
    timeout: { minutes: 1 },
    fn: async () => {
      const announced = await service.announceStarting();
      if (announced > 0) {
        logger.info(`Announced the start of ${announced} release(s)`);
      }
    },
  });

  // Every minute, on one replica at a time.
  await options.scheduler.scheduleTask({
    id: 'multivac-release-statuses',
    scope: 'global',
    frequency: { minutes: 1 },
    timeout: { minutes: 1 },
    fn: async () => {
      const { started, finished } = await service.advanceStatuses();
      if (started + finished > 0) {
        logger.info(
          `Release windows: ${started} release(s) started, ${finished} done`,
        );
      }
    },
  });

  return {
    releases: service,
    feedTokens: new DatabaseFeedTokenStore(db),
    environments: settings.environments,
    timeZone: settings.timeZone,
    /** The catalog's dependency graph, and how far along it releases reach. */
    graph,
    dependencyDepth: settings.dependencyDepth,
  };
}
