import {
  AuthService,
  DatabaseService,
  HttpAuthService,
  HttpRouterService,
  LoggerService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MultivacWorkflowExtensionPoint } from '@multivac/plugin-multivac-node';
import { PagerDutyAccountClients } from '../client/pagerDutyConfig';
import { createReconcileRouter } from './createReconcileRouter';
import { ReconcileStore } from './ReconcileStore';
import {
  reconcileConfigFromConfig,
  ScheduleReconciler,
} from './ScheduleReconciler';

/**
 * Schedules reconciled to PagerDuty: the routes, the durable jobs, and two
 * scheduled tasks (marked Schedules whose spec changed, every
 * `catalogPollSeconds`; every marked Schedule, every `intervalMinutes`).
 */
export async function setUpScheduleReconcile(deps: {
  config: Config;
  clients: ReadonlyMap<string, PagerDutyAccountClients>;
  database: DatabaseService;
  scheduler: SchedulerService;
  logger: LoggerService;
  httpRouter: HttpRouterService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  workflow: MultivacWorkflowExtensionPoint;
}): Promise<void> {
  const { config, scheduler, logger } = deps;
  const settings = reconcileConfigFromConfig(config);
  const store = await ReconcileStore.create(deps.database);
  const reconciler = new ScheduleReconciler({
    clients: deps.clients,
    catalog: deps.catalog,
    auth: deps.auth,
    logger,
    store,
    settings: settings.settings,
  });
  deps.workflow.addClient(reconciler);
  deps.httpRouter.use(
    createReconcileRouter({
      reconciler,
      catalog: deps.catalog,
      auth: deps.auth,
      httpAuth: deps.httpAuth,
      permissions: deps.permissions,
    }),
  );
  if (!settings.enabled) {
    logger.info(
      'PagerDuty schedule reconcile on catalog change and interval off: multivac.pagerDuty.scheduleReconcile.enabled is false',
    );
    return;
  }
  await scheduler.scheduleTask({
    id: 'multivac-pagerduty-schedules-changed',
    frequency: { seconds: settings.catalogPollSeconds },
    timeout: { minutes: 5 },
    initialDelay: { seconds: Math.min(30, settings.catalogPollSeconds) },
    fn: async () => {
      await reconciler.poll({ all: false });
    },
  });
  await scheduler.scheduleTask({
    id: 'multivac-pagerduty-schedules-interval',
    frequency: { minutes: settings.intervalMinutes },
    timeout: { minutes: 10 },
    initialDelay: { minutes: settings.intervalMinutes },
    fn: async () => {
      await reconciler.poll({ all: true });
    },
  });
}
