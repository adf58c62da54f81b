import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  multivacIncidentsExtensionPoint,
  multivacPagingChannelsExtensionPoint,
  multivacReleasesExtensionPoint,
  multivacWorkflowExtensionPoint,
} from '@multivac/plugin-multivac-node';
import { createSlackBot } from './bot/createSlackBot';
import { SlackChannels } from './bot/SlackChannels';
import { alertCommands } from './commands/alertCommands';
import { coverCommands } from './commands/coverCommands';
import { digestCommands } from './commands/digestCommands';
import { ChatRouter } from './chat/ChatRouter';
import { ChatUsers } from './chat/ChatUsers';
import { CommandRegistry } from './commands/CommandRegistry';
import { incidentCommands } from './commands/incidentCommands';
import { releaseCommands } from './commands/releaseCommands';
import { DEFAULT_COMMAND, readSlackConfig } from './config';
import { readDigestChannels } from './digest/digestConfig';
import { DigestClaims } from './digest/DigestClaims';
import { DIGEST_TASK_ID, DigestPoster } from './digest/DigestPoster';
import { SlackStore } from './database/SlackStore';
import { readBurnoutNudge } from './burnout/burnoutConfig';
import { BURNOUT_NUDGE_TASK_ID, BurnoutNudger } from './burnout/BurnoutNudger';
import { NudgeClaims } from './burnout/NudgeClaims';
import { SlackUsers } from './users/SlackUsers';
import { createSlackWebClient } from './slackWebClient';
import { createSlackRouter, SLACK_PATH } from './transport/createSlackRouter';
import {
  createSocketModeClient,
  listenToSocketMode,
} from './transport/socketMode';

/**
 * The Multivac Slack bot: receives slash commands, interactions and events
 * from Slack, over HTTP and, with an app-level token, Socket Mode. Its chat
 * commands are also served to signed-in users at `/api/multivac/chat` (the
 * terminal shell), with or without `multivac.slack`; everything Slack needs
 * that config.
 *
 * @public
 */
export const multivacModuleSlack = createBackendModule({
  pluginId: 'multivac',
  moduleId: 'slack',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        lifecycle: coreServices.lifecycle,
        scheduler: coreServices.scheduler,
        incidents: multivacIncidentsExtensionPoint,
        workflowPoint: multivacWorkflowExtensionPoint,
        releasesPoint: multivacReleasesExtensionPoint,
        pagingChannels: multivacPagingChannelsExtensionPoint,
      },
      async init({
        auth,
        catalog,
        config,
        database,
        logger,
        httpRouter,
        httpAuth,
        lifecycle,
        scheduler,
        incidents,
        workflowPoint,
        releasesPoint,
        pagingChannels,
      }) {
        const slack = readSlackConfig(config);
        const commands = new CommandRegistry(
          [
            ...incidentCommands,
            ...releaseCommands,
            ...alertCommands,
            ...digestCommands,
            ...coverCommands,
          ],
          slack?.command ?? DEFAULT_COMMAND,
          logger,
        );
        const chat = new ChatRouter({
          commands,
          users: new ChatUsers(catalog, auth),
          auth,
          httpAuth,
          portalUrl: config.getOptionalString('app.baseUrl') ?? '',
        });
        workflowPoint.addClient(chat);
        httpRouter.use(chat.router);

        if (!slack) {
          logger.info('Slack not configured');
          return;
        }
        const client = createSlackWebClient(slack.botToken, {
          apiUrl: slack.apiUrl,
        });
        const store = await SlackStore.create(database);
        // Read before Slack is used: a bad digest entry fails the start-up.
        const digestChannels = readDigestChannels(config);
        const burnoutNudge = readBurnoutNudge(config);
        // One cache of channel names, for the catalog's and the config's.
        const channels = new SlackChannels({
          client,
          cacheTtlMs: slack.channelCacheSeconds * 1000,
        });
        const bot = createSlackBot({
          client,
          channels,
          store,
          catalog,
          auth,
          commands,
          config: slack,
          logger,
        });
        bot.clients.forEach(contribution =>
          workflowPoint.addClient(contribution),
        );
        incidents.addSubscriber(bot.incidentChannels);
        workflowPoint.addReportSubscriber(bot.triageReportMessages);
        // Sends built-in pages as direct messages, and keeps them current.
        pagingChannels.addChannel(bot.pageDirectMessages);
        workflowPoint.addPageSubscriber(bot.pageDirectMessages);
        workflowPoint.addPostmortemSubscriber(bot.postmortemNotices);
        releasesPoint.addReleaseSubscriber(bot.releaseNotices);
        workflowPoint.addAlertGroupSubscriber(bot.alertGroupMessages);
        workflowPoint.addPageSubscriber(bot.alertGroupMessages);

        if (digestChannels.length > 0) {
          const poster = new DigestPoster({
            client,
            channels,
            claims: new DigestClaims(await database.getClient()),
            targets: digestChannels,
            logger,
            portalUrl: config.getOptionalString('app.baseUrl'),
          });
          workflowPoint.addClient(poster);
          // Every minute; the claim per channel and day makes it post once.
          await scheduler.scheduleTask({
            id: DIGEST_TASK_ID,
            frequency: { minutes: 1 },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 30 },
            fn: async () => {
              await poster.tick();
            },
          });
        }

        if (burnoutNudge.enabled) {
          const nudger = new BurnoutNudger({
            client,
            claims: new NudgeClaims(await database.getClient()),
            users: new SlackUsers(client, catalog, auth, slack.identity),
            hour: burnoutNudge.hour,
            logger,
          });
          workflowPoint.addClient(nudger);
          // Every 5 minutes; the claim per person and night makes it send once.
          await scheduler.scheduleTask({
            id: BURNOUT_NUDGE_TASK_ID,
            frequency: { minutes: 5 },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 45 },
            fn: async () => {
              await nudger.tick();
            },
          });
        }

        httpRouter.use(
          createSlackRouter({
            signingSecret: slack.signingSecret,
            inbox: bot.inbox,
            logger,
          }),
        );
        // Slack cannot log in; it signs its requests instead.
        httpRouter.addAuthPolicy({
          path: SLACK_PATH,
          allow: 'unauthenticated',
        });

        if (slack.appToken) {
          const socket = createSocketModeClient({
            appToken: slack.appToken,
            apiUrl: slack.apiUrl,
            logger,
          });
          listenToSocketMode({ client: socket, inbox: bot.inbox, logger });
          // Not awaited: the backend starts while Slack is unreachable, and
          // the client keeps reconnecting.
          lifecycle.addStartupHook(() => {
            socket.start().then(
              () => logger.info('Slack Socket Mode connected'),
              error =>
                logger.error(`Slack Socket Mode could not connect: ${error}`),
            );
          });
          lifecycle.addShutdownHook(() => socket.disconnect());
        }
      },
    });
  },
});
