import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { ScheduleEntityProcessor } from './ScheduleEntityProcessor';

/**
 * The catalog learns Multivac's `Schedule` kind: validated with the on-call
 * engine's rules, related to its owning Group and to the entities that name
 * it in `multivac.io/oncall-schedule`.
 *
 * @public
 */
export const catalogModuleMultivacSchedules = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'multivac-schedules',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addProcessor(new ScheduleEntityProcessor());
      },
    });
  },
});
