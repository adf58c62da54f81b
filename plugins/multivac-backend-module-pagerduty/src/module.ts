import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  multivacOnCallExtensionPoint,
  multivacReleasesExtensionPoint,
  multivacWorkflowExtensionPoint,
} from '@multivac/plugin-multivac-node';
import { pagerDutyClientsFromConfig } from './client/pagerDutyConfig';
import { PagerDutyOnCallProvider } from './PagerDutyOnCallProvider';
import { PagerDutyReleaseSubscriber } from './releases/PagerDutyReleaseSubscriber';
import { ConnectedPageUpdates } from './webhooks/ConnectedPageUpdates';
import {
  createWebhookRouter,
  WEBHOOK_PATH,
  webhookSecretsFromConfig,
} from './webhooks/createWebhookRouter';

/**
 * PagerDuty for Multivac: on-call from PagerDuty escalation policies, paging
 * through Events API v2, acknowledgements and resolutions made in
 * PagerDuty from its v3 webhooks, and change events for releases. Without
 * `multivac.pagerDuty` it does nothing.
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
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        onCall: multivacOnCallExtensionPoint,
        releases: multivacReleasesExtensionPoint,
        workflow: multivacWorkflowExtensionPoint,
      },
      async init({
        config,
        logger,
        httpRouter,
        auth,
        catalog,
        onCall,
        releases,
        workflow,
      }) {
        if (!config.has('multivac.pagerDuty')) {
          logger.info('PagerDuty not configured');
          return;
        }
        const clients = pagerDutyClientsFromConfig(config);
        onCall.addProvider(new PagerDutyOnCallProvider(clients));

        const releaseSubscriber = PagerDutyReleaseSubscriber.fromConfig(
          config,
          {
            clients,
            catalog,
            auth,
            logger,
          },
        );
        if (releaseSubscriber) {
          releases.addReleaseSubscriber(releaseSubscriber);
        } else {
          logger.info(
            'PagerDuty change events for releases off: multivac.pagerDuty.changeEvents.enabled is false',
          );
        }

        const secrets = webhookSecretsFromConfig(config);
        if (secrets.length === 0) {
          logger.info(
            'PagerDuty webhooks off: no multivac.pagerDuty webhookSecrets',
          );
        }
        const pageUpdates = new ConnectedPageUpdates();
        workflow.addClient(pageUpdates);
        httpRouter.use(createWebhookRouter({ secrets, pageUpdates, logger }));
        // PagerDuty cannot log in; it signs its webhooks instead.
        httpRouter.addAuthPolicy({
          path: WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
      },
    });
  },
});
