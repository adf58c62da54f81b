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
import { DatabasePageStore } from '../database/DatabasePageStore';
import { DatabaseReportStore } from '../database/DatabaseReportStore';
import { JobQueue } from '../jobs/JobQueue';
import { WorkflowDeliveries } from '../service/WorkflowDeliveries';
import { localDate } from './calendar';
import { DatabasePostmortemStore } from './DatabasePostmortemStore';
import { PostmortemService } from './PostmortemService';
import { PostmortemTracking } from './PostmortemTracking';
import { readPostmortemSettings } from './settings';

export { PostmortemService } from './PostmortemService';

/** A post-mortem in the portal, by id or reference (`PM-7`). */
export function postmortemUrl(baseUrl: string, idOrReference: string): string {
  return `${baseUrl}/multivac/postmortems/${idOrReference}`;
}

/**
 * Builds the post-mortem service and schedules its tasks: the hourly
 * overdue reminders and, with an issue tracker, the status sync.
 */
export async function createPostmortems(options: {
  db: Knex;
  config: Config;
  baseUrl: string;
  incidents: IncidentStore;
  reports: DatabaseReportStore;
  pages: DatabasePageStore;
  jobs: JobQueue;
  deliveries: WorkflowDeliveries;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  scheduler: SchedulerService;
  tracker?: IssueTracker;
  /** Today's date (`YYYY-MM-DD`), which decides what is overdue; tests fix it. */
  today?: () => string;
}): Promise<PostmortemService> {
  const { db, baseUrl, jobs, scheduler, logger, tracker } = options;
  const settings = readPostmortemSettings(options.config);
  const store = new DatabasePostmortemStore(db, {
    today: options.today ?? (() => localDate(settings.timeZone)),
    urls: {
      postmortem: reference => postmortemUrl(baseUrl, reference),
      incident: reference => `${baseUrl}/multivac/incidents/${reference}`,
    },
  });
  const tracking =
    tracker &&
    new PostmortemTracking({
      tracker,
      store,
      jobs,
      catalog: options.catalog,
      auth: options.auth,
      timeZone: settings.timeZone,
    });
  const service = new PostmortemService({
    store,
    incidents: options.incidents,
    findReport: reference => options.reports.get(reference),
    incidentPages: incidentId => options.pages.listForIncident(incidentId),
    deliveries: options.deliveries,
    settings,
    tracking,
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
