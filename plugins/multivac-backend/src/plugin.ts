import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { multivacPermissions } from '@multivac/plugin-multivac-common';
import { createMultivac } from './createMultivac';
import { MultivacContributions } from './extensions/MultivacContributions';
import { InterruptionSources } from './insights/InterruptionSources';
import { ReportedNotifications } from './insights/ReportedNotifications';
import { notificationsEnabled } from './notifications';
import { UNAUTHENTICATED_PATHS } from './service/createMultivacRouter';

/**
 * Multivac backend plugin: incidents, on-call, reports, post-mortems and
 * releases under `/api/multivac`, their stores, and the durable jobs that
 * carry side effects to modules.
 *
 * @public
 */
export const multivacPlugin = createBackendPlugin({
  pluginId: 'multivac',
  register(env) {
    const contributions = new MultivacContributions();
    contributions.registerExtensionPoints(env);
    const interruptionSources = new InterruptionSources();
    interruptionSources.registerExtensionPoint(env);

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        discovery: coreServices.discovery,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        // Multivac's actions, for AI assistants (MCP) and other plugins.
        actionsRegistry: actionsRegistryServiceRef,
        // Live updates; without the signals backend nobody listens.
        signals: signalsServiceRef,
        // Always resolvable (it posts to the notifications backend); used
        // only when that backend is installed or multivac.notifications.enabled.
        notifications: notificationService,
        instanceMetadata: coreServices.rootInstanceMetadata,
      },
      async init({
        httpRouter,
        lifecycle,
        notifications,
        instanceMetadata,
        ...services
      }) {
        const multivac = await createMultivac(
          {
            ...services,
            notifications: (await notificationsEnabled(
              services.config,
              instanceMetadata,
              services.logger,
            ))
              ? notifications
              : undefined,
          },
          contributions,
        );
        // Notifications modules report (PagerDuty's pages) join the ledger.
        await interruptionSources.connect(
          new ReportedNotifications(
            await services.database.getClient(),
            services.catalog,
            services.auth,
          ),
        );
        services.permissionsRegistry.addPermissions(multivacPermissions);
        httpRouter.use(multivac.router);
        for (const path of UNAUTHENTICATED_PATHS) {
          httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
        }
        lifecycle.addStartupHook(() => multivac.jobs.start());
        lifecycle.addShutdownHook(() => multivac.jobs.stop());
      },
    });
  },
});
