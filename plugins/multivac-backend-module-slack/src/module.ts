import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readSlackConfig } from './config';
import { createSlackRouter, SLACK_PATH } from './transport/createSlackRouter';
import {
  createSocketModeClient,
  listenToSocketMode,
} from './transport/socketMode';
import { SlackInbox } from './transport/types';

/**
 * The Multivac Slack bot: receives slash commands, interactions and events
 * from Slack, over HTTP and, with an app-level token, Socket Mode. Without
 * `multivac.slack` it does nothing.
 */
export const multivacModuleSlack = createBackendModule({
  pluginId: 'multivac',
  moduleId: 'slack',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
      },
      async init({ config, logger, httpRouter, lifecycle }) {
        const slack = readSlackConfig(config);
        if (!slack) {
          logger.info('Slack not configured');
          return;
        }
        // Until the incident workflow is wired in, deliveries are only logged.
        const inbox: SlackInbox = {
          async receive(delivery) {
            logger.info(
              `Slack ${delivery.kind} ${delivery.dedupKey} received; no workflow handles it yet`,
            );
            return undefined;
          },
        };

        httpRouter.use(
          createSlackRouter({
            signingSecret: slack.signingSecret,
            inbox,
            logger,
          }),
        );
        // Slack cannot log in; it signs its requests instead.
        httpRouter.addAuthPolicy({
          path: SLACK_PATH,
          allow: 'unauthenticated',
        });

        if (slack.appToken) {
          const client = createSocketModeClient({
            appToken: slack.appToken,
            apiUrl: slack.apiUrl,
            logger,
          });
          listenToSocketMode({ client, inbox, logger });
          // Not awaited: the backend starts while Slack is unreachable, and
          // the client keeps reconnecting.
          lifecycle.addStartupHook(() => {
            client.start().then(
              () => logger.info('Slack Socket Mode connected'),
              error =>
                logger.error(`Slack Socket Mode could not connect: ${error}`),
            );
          });
          lifecycle.addShutdownHook(() => client.disconnect());
        }
      },
    });
  },
});
