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
            portalBaseUrl: config.getOptionalString('app.baseUrl'),
          },
        );
        if (releaseSubscriber) {
          releases.addReleaseSubscriber(releaseSubscriber);
          workflow.onReady(ready => releaseSubscriber.useJobs(ready.jobs));
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
