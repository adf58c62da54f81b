import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { multivacPermissions } from '@multivac/plugin-multivac-common';
import { createMultivac } from './createMultivac';
import { MultivacContributions } from './extensions/MultivacContributions';
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
      },
      async init({ httpRouter, lifecycle, ...services }) {
        const multivac = await createMultivac(services, contributions);
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
