import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import Router from 'express-promise-router';
import {
  multivacInterruptionsExtensionPoint,
  multivacOnCallExtensionPoint,
  multivacReleasesExtensionPoint,
  multivacWorkflowExtensionPoint,
} from '@multivac/plugin-multivac-node';
import { pagerDutyClientsFromConfig } from './client/pagerDutyConfig';
import { PagerDutyOnCallProvider } from './PagerDutyOnCallProvider';
import { setUpScheduleReconcile } from './reconcile/setUpScheduleReconcile';
import { PagerDutyReleaseSubscriber } from './releases/PagerDutyReleaseSubscriber';
import { ConnectedPageUpdates } from './webhooks/ConnectedPageUpdates';
import { PagerDutyInterruptions } from './webhooks/PagerDutyInterruptions';
import {
  createWebhookRouter,
  WEBHOOK_PATH,
  webhookConfigFromConfig,
} from './webhooks/createWebhookRouter';
import { WebhookStore } from './webhooks/WebhookStore';

/** Page accounts are kept this long: a page is resolved well within it. */
const PAGE_ACCOUNT_RETENTION_DAYS = 90;

/**
 * PagerDuty for Multivac: on-call from PagerDuty escalation policies, paging
 * through Events API v2, acknowledgements and resolutions made in
 * PagerDuty from its v3 webhooks, the people PagerDuty notified into the
 * interruptions ledger, and change events for releases. Without
 * `multivac.pagerDuty` it does nothing.
 *
 * @public
 */
export const multivacModulePagerDuty = createBackendModule({
  pluginId: 'multivac',
  moduleId: 'pagerduty',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
        onCall: multivacOnCallExtensionPoint,
        releases: multivacReleasesExtensionPoint,
        workflow: multivacWorkflowExtensionPoint,
        interruptions: multivacInterruptionsExtensionPoint,
      },
      async init({
        config,
        database,
        scheduler,
        logger,
        httpRouter,
        auth,
        httpAuth,
        permissions,
        catalog,
        onCall,
        releases,
        workflow,
        interruptions,
      }) {
        if (!config.has('multivac.pagerDuty')) {
          logger.info('PagerDuty not configured');
          // The portal's PagerDuty views say why instead of a bare 404.
          const unconfigured = Router();
          unconfigured.use('/pagerduty', () => {
            throw new NotFoundError(
              'PagerDuty is not configured: set multivac.pagerDuty in app-config.yaml (see the PagerDuty module README)',
            );
          });
          httpRouter.use(unconfigured);
          return;
        }
        const clients = pagerDutyClientsFromConfig(config);
        const webhooks = webhookConfigFromConfig(config);
        const store = await WebhookStore.create(database);
        onCall.addProvider(new PagerDutyOnCallProvider(clients, store));

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

        if (webhooks.secrets.length === 0) {
          logger.info(
            'PagerDuty webhooks off: no multivac.pagerDuty webhookSecrets',
          );
        }
        // An event id must be remembered as long as the event could still
        // be accepted: up to maxEventAgeSeconds on either side of now.
        await scheduler.scheduleTask({
          id: 'multivac-pagerduty-webhooks-prune',
          frequency: { minutes: 10 },
          timeout: { minutes: 1 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            const now = Date.now();
            await store.prune({
              eventsBefore: new Date(
                now - (2 * webhooks.maxEventAgeSeconds + 60) * 1000,
              ),
              pagesBefore: new Date(
                now - PAGE_ACCOUNT_RETENTION_DAYS * 86_400_000,
              ),
            });
          },
        });
        const pageUpdates = new ConnectedPageUpdates();
        workflow.addClient(pageUpdates);
        // Whom PagerDuty notified goes into the interruptions ledger.
        const notified = new PagerDutyInterruptions({
          clients,
          catalog,
          auth,
          logger,
        });
        workflow.addClient(notified);
        interruptions.addSource(notified);
        httpRouter.use(
          createWebhookRouter({
            config: webhooks,
            pageUpdates,
            notified,
            store,
            logger,
          }),
        );
        // PagerDuty cannot log in; it signs its webhooks instead.
        httpRouter.addAuthPolicy({
          path: WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
        // The reconcile routes parse JSON only for their own paths; a
        // webhook's signature is over its raw body.
        await setUpScheduleReconcile({
          config,
          clients,
          database,
          scheduler,
          logger,
          httpRouter,
          auth,
          httpAuth,
          permissions,
          catalog,
          workflow,
        });
      },
    });
  },
});
