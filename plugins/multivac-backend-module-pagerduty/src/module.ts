import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { multivacOnCallExtensionPoint } from '@multivac/plugin-multivac-node';
import { PagerDutyOnCallProvider } from './PagerDutyOnCallProvider';
import {
  createWebhookRouter,
  WEBHOOK_PATH,
  webhookSecretsFromConfig,
} from './webhooks/createWebhookRouter';

/**
 * PagerDuty for Multivac: on-call from PagerDuty escalation policies, paging
 * through Events API v2, and acknowledgements and resolutions made in
 * PagerDuty from its v3 webhooks. Without `multivac.pagerDuty` it does
 * nothing.
 */
export const multivacModulePagerDuty = createBackendModule({
  pluginId: 'multivac',
  moduleId: 'pagerduty',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        onCall: multivacOnCallExtensionPoint,
      },
      async init({ config, logger, httpRouter, onCall }) {
        if (!config.has('multivac.pagerDuty')) {
          logger.info('PagerDuty not configured');
          return;
        }
        onCall.addProvider(PagerDutyOnCallProvider.fromConfig(config));

        const secrets = webhookSecretsFromConfig(config);
        if (secrets.length === 0) {
          logger.info(
            'PagerDuty webhooks off: no multivac.pagerDuty webhookSecrets',
          );
        }
        httpRouter.use(
          createWebhookRouter({
            secrets,
            // Read when a webhook arrives: the receiver is usable only once
            // the backend has started.
            pageUpdates: {
              record: update => onCall.pageUpdates.record(update),
            },
            logger,
          }),
        );
        // PagerDuty cannot log in; it signs its webhooks instead.
        httpRouter.addAuthPolicy({
          path: WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
      },
    });
  },
});
