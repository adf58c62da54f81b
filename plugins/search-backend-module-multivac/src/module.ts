import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { MultivacIncidentCollatorFactory } from './collators/IncidentCollatorFactory';
import { MultivacPostmortemCollatorFactory } from './collators/PostmortemCollatorFactory';
import { readCollatorOptions } from './config';

/**
 * Multivac's incidents and post-mortems in Backstage search, read over
 * Multivac's REST API on the schedule in `search.collators.multivac`.
 *
 * @public
 */
export const searchModuleMultivacCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'multivac-collator',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        scheduler: coreServices.scheduler,
        indexRegistry: searchIndexRegistryExtensionPoint,
      },
      async init({
        auth,
        catalog,
        config,
        discovery,
        scheduler,
        indexRegistry,
      }) {
        const { schedule } = readCollatorOptions(config);
        for (const factory of [
          MultivacIncidentCollatorFactory.fromConfig(config, {
            auth,
            discovery,
            catalog,
          }),
          MultivacPostmortemCollatorFactory.fromConfig(config, {
            auth,
            discovery,
            catalog,
          }),
        ]) {
          indexRegistry.addCollator({
            schedule: scheduler.createScheduledTaskRunner(schedule),
            factory,
          });
        }
      },
    });
  },
});
