import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { multivacPermissions } from '@multivac/plugin-multivac-common';
import {
  IncidentSubscriber,
  multivacIncidentsExtensionPoint,
  multivacOnCallExtensionPoint,
  OnCallProvider,
  PageUpdateReceiver,
} from '@multivac/plugin-multivac-node';
import { DatabaseIncidentStore } from './database/DatabaseIncidentStore';
import { DatabasePageStore } from './database/DatabasePageStore';
import { DatabaseReportStore } from './database/DatabaseReportStore';
import { DatabaseJobQueue } from './jobs/DatabaseJobQueue';
import { BuiltinOnCallProvider } from './oncall/BuiltinOnCallProvider';
import { OnCallService } from './oncall/OnCallService';
import { PageUpdates } from './oncall/PageUpdates';
import { PagingService } from './oncall/PagingService';
import { PeopleDirectory } from './oncall/PeopleDirectory';
import { parseSchedules } from './oncall/schedule';
import { ReportService } from './reports/ReportService';
import { readSeverityRubric } from './reports/severityRubric';
import { CatalogEntities } from './service/CatalogEntities';
import { IncidentDeliveries } from './service/deliveries';
import { RequestAuth } from './service/RequestAuth';
import { createOnCallRouter } from './service/oncallRouter';
import { createReportsRouter } from './service/reportsRouter';
import { createRouter } from './service/router';

/**
 * Multivac backend plugin: incidents REST API under `/api/multivac`, their
 * store, and the durable jobs that carry side effects to modules.
 */
export const multivacPlugin = createBackendPlugin({
  pluginId: 'multivac',
  register(env) {
    const subscribers: IncidentSubscriber[] = [];
    env.registerExtensionPoint(multivacIncidentsExtensionPoint, {
      addSubscriber(subscriber) {
        if (subscribers.some(s => s.id === subscriber.id)) {
          throw new Error(
            `An incident subscriber with id '${subscriber.id}' is already registered`,
          );
        }
        subscribers.push(subscriber);
      },
    });
    const onCallProviders: OnCallProvider[] = [];
    // Modules get the receiver before the plugin's init has built it.
    let pageUpdates: PageUpdateReceiver | undefined;
    env.registerExtensionPoint(multivacOnCallExtensionPoint, {
      addProvider(provider) {
        onCallProviders.push(provider);
      },
      pageUpdates: {
        record(update) {
          if (!pageUpdates) {
            throw new Error('The multivac plugin has not started yet');
          }
          return pageUpdates.record(update);
        },
      },
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        auth,
        catalog,
        config,
        database,
        httpAuth,
        httpRouter,
        lifecycle,
        logger,
        permissions,
        permissionsRegistry,
      }) {
        const db = await database.getClient();
        const jobs = new DatabaseJobQueue(
          db,
          logger,
          DatabaseJobQueue.optionsFromConfig(config),
        );
        const deliveries = new IncidentDeliveries(subscribers, jobs, logger);
        const store = await DatabaseIncidentStore.create({
          database,
          onTimelineEvent: deliveries.record,
        });
        deliveries.attach(store);

        // Bad schedules fail the start-up with a message naming the field.
        const builtin = new BuiltinOnCallProvider(
          parseSchedules(config),
          PeopleDirectory.fromConfig(config, { catalog, auth }),
        );
        // Modules (e.g. PagerDuty) are asked before the built-in schedules.
        const onCall = new OnCallService(catalog, auth, [
          ...onCallProviders,
          builtin,
        ]);
        const pageStore = new DatabasePageStore(db);
        const paging = new PagingService(
          pageStore,
          onCall,
          jobs,
          catalog,
          auth,
          builtin,
        );
        pageUpdates = new PageUpdates(pageStore, store);
        const reports = new ReportService({
          reports: new DatabaseReportStore(db, pageStore),
          paging,
          incidents: store,
          jobs,
          auth,
          logger,
          rubric: readSeverityRubric(config),
          fallbackScheduleId: fallbackSchedule(config, builtin),
          reportUrl: reference =>
            `${
              config.getOptionalString('app.baseUrl') ?? ''
            }/multivac/reports/${reference}`,
        });
        const entities = new CatalogEntities(catalog, auth);
        const requestAuth = new RequestAuth(auth, httpAuth, permissions);

        permissionsRegistry.addPermissions(multivacPermissions);
        httpRouter.use(
          await createRouter({ store, jobs, entities, requestAuth }),
        );
        httpRouter.use(
          createOnCallRouter({
            onCall,
            paging,
            builtin,
            entities,
            requestAuth,
          }),
        );
        httpRouter.use(createReportsRouter({ reports, entities, requestAuth }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        lifecycle.addStartupHook(() => jobs.start());
        lifecycle.addShutdownHook(() => jobs.stop());
      },
    });
  },
});

/** `multivac.onCall.fallbackSchedule`, checked against the built-in schedules. */
function fallbackSchedule(
  config: Config,
  builtin: BuiltinOnCallProvider,
): string | undefined {
  const id = config.getOptionalString('multivac.onCall.fallbackSchedule');
  if (id !== undefined && !builtin.hasSchedule(id)) {
    throw new Error(
      `multivac.onCall.fallbackSchedule: '${id}' is not in multivac.onCall.schedules`,
    );
  }
  return id;
}
