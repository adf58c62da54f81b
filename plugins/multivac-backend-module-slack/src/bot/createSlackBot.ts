import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { WebClient } from '@slack/web-api';
import { CommandRegistry } from '../commands/CommandRegistry';
import { SlackConfig } from '../config';
import { SlackStore } from '../database/SlackStore';
import { SlackUsers } from '../users/SlackUsers';
import { AlertGroupMessages } from './AlertGroupMessages';
import { ButtonActions } from './ButtonActions';
import { IncidentChannels } from './IncidentChannels';
import { KeyMessages } from './KeyMessages';
import { PageDirectMessages } from './PageDirectMessages';
import { PostmortemNotices } from './PostmortemNotices';
import { ReleaseNotices } from './ReleaseNotices';
import { ReportForm } from './ReportForm';
import { ResponseUrls } from './ResponseUrls';
import { RoutingInbox } from './RoutingInbox';
import { SlackActors } from './SlackActors';
import { SlackAnswers } from './SlackAnswers';
import { SlackBotServices } from './SlackBotServices';
import { SlackChannels } from './SlackChannels';
import { SlackCommands } from './SlackCommands';
import { TriageReportMessages } from './TriageReportMessages';

/**
 * The bot's parts, wired together: the inbox with every route, the clients
 * that need the workflow, and the subscribers. The module registers them
 * on the multivac plugin's extension points.
 */
export function createSlackBot(deps: {
  client: WebClient;
  store: SlackStore;
  catalog: CatalogService;
  auth: AuthService;
  commands: CommandRegistry;
  config: SlackConfig;
  logger: LoggerService;
  /** Resolves channel names; default: its own, with `channelCacheSeconds`. */
  channels?: SlackChannels;
}) {
  const { client, store, catalog, auth, commands, config, logger } = deps;
  const services: SlackBotServices = {
    client,
    store,
    users: new SlackUsers(client, catalog, auth, config.identity),
  };
  const answers = new SlackAnswers({
    client,
    responseUrls: new ResponseUrls({ hooksUrl: config.hooksUrl, logger }),
    logger,
  });
  const channels =
    deps.channels ??
    new SlackChannels({
      client,
      cacheTtlMs: config.channelCacheSeconds * 1000,
    });
  const actors = new SlackActors({ users: services.users, answers, logger });
  const reportForm = new ReportForm({
    client,
    actors,
    answers,
    catalog,
    auth,
    logger,
  });
  const keyMessages = new KeyMessages({
    ...services,
    actors,
    answers,
    config,
    logger,
  });
  const alertGroupMessages = new AlertGroupMessages({
    ...services,
    channels,
    catalog,
    auth,
    actors,
    answers,
    config,
    logger,
  });
  const inbox = new RoutingInbox({
    routes: [
      ...new SlackCommands({
        ...services,
        actors,
        answers,
        commands,
        reportForm,
        config,
        logger,
      }).routes,
      ...new ButtonActions({ actors, answers }).routes,
      ...reportForm.routes,
      ...keyMessages.routes,
      ...alertGroupMessages.routes,
    ],
    answers,
    logger,
  });
  return {
    inbox,
    /** Each needs the workflow: `multivacWorkflowExtensionPoint.addClient`. */
    clients: [inbox, reportForm, keyMessages],
    incidentChannels: new IncidentChannels({
      ...services,
      channels,
      catalog,
      auth,
      config,
      logger,
    }),
    triageReportMessages: new TriageReportMessages({
      ...services,
      channels,
      config,
      logger,
    }),
    pageDirectMessages: new PageDirectMessages(services),
    postmortemNotices: new PostmortemNotices({
      ...services,
      channels,
      config,
      logger,
    }),
    releaseNotices: new ReleaseNotices({
      client,
      channels,
      store,
      catalog,
      auth,
      logger,
    }),
    alertGroupMessages,
  };
}
