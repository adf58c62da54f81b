import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { multivacOnCallExtensionPoint } from '@multivac/plugin-multivac-node';
import { PagerDutyOnCallProvider } from './PagerDutyOnCallProvider';

/**
 * PagerDuty for Multivac: on-call from PagerDuty escalation policies and
 * paging through Events API v2. Without `multivac.pagerDuty` it does nothing.
 */
export const multivacModulePagerDuty = createBackendModule({
  pluginId: 'multivac',
  moduleId: 'pagerduty',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        onCall: multivacOnCallExtensionPoint,
      },
      async init({ config, logger, onCall }) {
        if (!config.has('multivac.pagerDuty')) {
          logger.info('PagerDuty not configured');
          return;
        }
        onCall.addProvider(PagerDutyOnCallProvider.fromConfig(config));
      },
    });
  },
});
