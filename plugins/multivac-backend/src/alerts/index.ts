import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Knex } from 'knex';
import { IncidentService } from '../incidents/IncidentService';
import { JobQueue } from '../jobs/JobQueue';
import { PagingService } from '../oncall/PagingService';
import { AlertService } from './AlertService';
import { DatabaseAlertStore } from './DatabaseAlertStore';
import { readAlertIntegrations } from './integrations';

export { AlertService } from './AlertService';
export { ALERT_INGEST_PATH, createAlertsRouter } from './alertsRouter';

/**
 * The alert service from `multivac.alerts.integrations` (checked here, at
 * start-up), and the daily pruning of dead letters and old deliveries.
 */
export async function createAlerts(options: {
  db: Knex;
  config: Config;
  jobs: JobQueue;
  paging: PagingService;
  incidents: IncidentService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  scheduler: SchedulerService;
}): Promise<AlertService> {
  const { logger, scheduler } = options;
  const alerts = new AlertService({
    store: new DatabaseAlertStore(options.db),
    integrations: readAlertIntegrations(options.config),
    jobs: options.jobs,
    paging: options.paging,
    incidents: options.incidents,
    catalog: options.catalog,
    auth: options.auth,
    logger,
  });
  await scheduler.scheduleTask({
    id: 'multivac-alerts-prune',
    frequency: { hours: 6 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 5 },
    fn: async () => {
      const pruned = await alerts.prune();
      if (pruned > 0) {
        logger.info(`Pruned ${pruned} old alert deliveries and dead letters`);
      }
    },
  });
  return alerts;
}
