import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { IssueTracker } from '@multivac/plugin-multivac-node';
import { Knex } from 'knex';
import { IncidentStore } from '../database/IncidentStore';
import { PageStore } from '../database/PageStore';
import { ReportStore } from '../database/ReportStore';
import { JobQueue } from '../jobs/JobQueue';
import { PostmortemDeliveries } from '../deliveries/kinds';
import { DatabaseActionItemStore } from './DatabaseActionItemStore';
import { DatabasePostmortemFollowUpStore } from './DatabasePostmortemFollowUpStore';
import { DatabasePostmortemStore } from './DatabasePostmortemStore';
import { PostmortemService } from './PostmortemService';
import { PostmortemTracking } from './PostmortemTracking';
import { PostmortemUrls } from './present';
import { catalogNames, PeopleNames, shortNames } from '../service/peopleNames';
import { owningTeamMembers } from './reviewers';
import { readPostmortemSettings } from './settings';

export { PostmortemService } from './PostmortemService';

/**
 * Builds the post-mortem service and schedules its tasks: the hourly
 * overdue reminders and, with an issue tracker, the status sync.
 */
export async function createPostmortems(options: {
  db: Knex;
  config: Config;
  /** Links to post-mortems and incidents in the portal. */
  urls: PostmortemUrls;
  incidents: IncidentStore;
  reports: ReportStore;
  pages: PageStore;
  jobs: JobQueue;
  deliveries: PostmortemDeliveries;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  scheduler: SchedulerService;
  tracker?: IssueTracker;
  /** See `PostmortemService`'s option of that name. */
  actionItemAssigned?: ConstructorParameters<
    typeof PostmortemService
  >[0]['actionItemAssigned'];
  /** Today's date (`YYYY-MM-DD`), which decides what is overdue; tests fix it. */
  today?: () => string;
}): Promise<PostmortemService> {
  const { db, urls, jobs, scheduler, logger, tracker } = options;
  const settings = readPostmortemSettings(options.config);
  const store = new DatabasePostmortemStore(db);
  const actionItems = new DatabaseActionItemStore(db);
  const followUp = new DatabasePostmortemFollowUpStore(db);
  const catalogPeople = catalogNames(options.catalog, options.auth);
  const names: PeopleNames = async refs => {
    try {
      return await catalogPeople(refs);
    } catch (error) {
      // The answer still comes, with people by their short names.
      logger.warn(`Could not read people's names from the catalog: ${error}`);
      return shortNames(refs);
    }
  };
  const tracking =
    tracker &&
    new PostmortemTracking({
      tracker,
      postmortems: store,
      actionItems,
      followUp,
      jobs,
      catalog: options.catalog,
      auth: options.auth,
      timeZone: settings.timeZone,
      urls,
      names,
    });
  const service = new PostmortemService({
    store,
    actionItems,
    followUp,
    incidents: options.incidents,
    findReport: reference => options.reports.get(reference),
    incidentPages: incidentId => options.pages.listForIncident(incidentId),
    deliveries: options.deliveries,
    settings,
    tracking,
    actionItemAssigned: options.actionItemAssigned,
    urls,
    today: options.today,
    names,
    defaultReviewers: async entityRefs => {
      try {
        return await owningTeamMembers(
          options.catalog,
          options.auth,
          entityRefs,
          settings.maxDefaultReviewers,
        );
      } catch (error) {
        // The post-mortem is still created; reviewers can be named on it.
        logger.warn(
          `Could not find the owning teams' members to review a post-mortem: ${error}`,
        );
        return [];
      }
    },
  });

  await scheduler.scheduleTask({
    id: 'multivac-postmortem-reminders',
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 1 },
    fn: async () => {
      const reminded = await service.remindOverdue();
      if (reminded > 0) {
        logger.info(`Sent reminders for ${reminded} overdue post-mortem(s)`);
      }
    },
  });
  if (tracking) {
    await scheduler.scheduleTask({
      id: 'multivac-postmortem-tracker-sync',
      frequency: { minutes: settings.trackerSyncMinutes },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 1 },
      fn: async () => {
        await tracking.syncStatuses();
      },
    });
    logger.info(`Post-mortems and action items are tracked in ${tracker.id}`);
  }
  return service;
}
