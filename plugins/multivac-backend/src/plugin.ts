import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { multivacPermissions } from '@multivac/plugin-multivac-common';
import {
  IncidentSubscriber,
  multivacIncidentsExtensionPoint,
} from '@multivac/plugin-multivac-node';
import { DatabaseIncidentStore } from './database/DatabaseIncidentStore';
import { DatabaseJobQueue } from './jobs/DatabaseJobQueue';
import { CatalogEntities } from './service/CatalogEntities';
import { IncidentDeliveries } from './service/deliveries';
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
        const jobs = new DatabaseJobQueue(
          await database.getClient(),
          logger,
          DatabaseJobQueue.optionsFromConfig(config),
        );
        const deliveries = new IncidentDeliveries(subscribers, jobs, logger);
        const store = await DatabaseIncidentStore.create({
          database,
          onTimelineEvent: deliveries.record,
        });
        deliveries.attach(store);

        permissionsRegistry.addPermissions(multivacPermissions);
        httpRouter.use(
          await createRouter({
            store,
            jobs,
            entities: new CatalogEntities(catalog, auth),
            auth,
            httpAuth,
            permissions,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        lifecycle.addStartupHook(() => jobs.start());
        lifecycle.addShutdownHook(() => jobs.stop());
      },
    });
  },
});
