import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Knex } from 'knex';
import { Transaction } from '../database/Transaction';
import { IncidentService } from '../incidents/IncidentService';
import { JobQueue } from '../jobs/JobQueue';
import { PagingService } from '../oncall/PagingService';
import { ReportService } from '../reports/ReportService';
import { AlertIntegrations } from './AlertIntegrations';
import { AlertService } from './AlertService';
import { DatabaseAlertStore } from './DatabaseAlertStore';
import { DatabaseIntegrationStore } from './DatabaseIntegrationStore';
import { readAlertIntegrations } from './integrations';
import { TicketReports } from './TicketReports';

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
  /** Zendesk tickets become reports. */
  reports: ReportService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  scheduler: SchedulerService;
  groupOpened?: (tx: Transaction, groupId: string) => Promise<void>;
  incidentStarted?: (tx: Transaction, groupId: string) => Promise<void>;
}): Promise<AlertService> {
  const { logger, scheduler } = options;
  const integrationStore = new DatabaseIntegrationStore(options.db);
  const tickets: TicketReports = new TicketReports({
    reports: options.reports,
    store: integrationStore,
    // eslint-disable-next-line @typescript-eslint/no-use-before-define -- called per delivery, after start-up
    route: (alert, integration) => alerts.route(alert, integration),
    logger,
  });
  const alerts: AlertService = new AlertService({
    store: new DatabaseAlertStore(options.db),
    integrations: new AlertIntegrations({
      configured: readAlertIntegrations(options.config),
      store: integrationStore,
    }),
    jobs: options.jobs,
    paging: options.paging,
    incidents: options.incidents,
    catalog: options.catalog,
    auth: options.auth,
    logger,
    groupOpened: options.groupOpened,
    incidentStarted: options.incidentStarted,
    tickets,
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
