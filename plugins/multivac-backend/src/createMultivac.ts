import {
  AuthService,
  DatabaseService,
  DiscoveryService,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { Config } from '@backstage/config';
import { SignalsService } from '@backstage/plugin-signals-node';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import express from 'express';
import { registerMultivacActions } from './actions';
import { createAlerts } from './alerts';
import { DatabaseIncidentStore } from './database/DatabaseIncidentStore';
import { IncidentStore } from './database/IncidentStore';
import { DatabasePageStore } from './database/DatabasePageStore';
import { DatabaseReportStore } from './database/DatabaseReportStore';
import { openDatabase } from './database/migrations';
import {
  alertGroupDeliveries,
  incidentDeliveries,
  pageDeliveries,
  postmortemDeliveries,
  reportDeliveries,
} from './deliveries/kinds';
import { MultivacContributions } from './extensions/MultivacContributions';
import { IncidentPaging } from './incidents/IncidentPaging';
import {
  DatabaseInsightsStore,
  demoHistoryEnabled,
  InsightsService,
  PersonTimeZones,
  RecordingPageStore,
  seedDemoHistory,
} from './insights';
import { ChangeFailureService } from './insights/ChangeFailureService';
import { DatabaseChangeFailureStore } from './insights/ChangeFailureStore';
import { ReportCardService } from './insights/ReportCardService';
import { DatabaseReportCardStore } from './insights/ReportCardStore';
import { DatabaseDigestStore } from './insights/DatabaseDigestStore';
import { DigestService } from './insights/DigestService';
import { BadNightsService, readTeamLeads } from './insights/BadNightsService';
import { BadNightsStore } from './insights/BadNightsStore';
import { OnCallLoadService } from './insights/OnCallLoadService';
import { OnCallLoadStore } from './insights/OnCallLoadStore';
import { IncidentService } from './incidents/IncidentService';
import { readDeclarePagingPolicy } from './incidents/pagingPolicy';
import { DatabaseJobQueue } from './jobs/DatabaseJobQueue';
import { BuiltinOnCallProvider } from './oncall/BuiltinOnCallProvider';
import { OnCallService } from './oncall/OnCallService';
import { PageUpdates } from './oncall/PageUpdates';
import { PagingService } from './oncall/PagingService';
import { PeopleDirectory } from './oncall/PeopleDirectory';
import { createNotifications, pageLink } from './notifications';
import { createChannelPaging } from './paging';
import { parseSchedules } from './oncall/schedule';
import { schedulesInCatalogFiles } from './oncall/fileSchedules';
import { DatabaseScheduleVersionStore } from './oncall/ScheduleVersionStore';
import { DatabaseOverrideStore } from './oncall/OverrideStore';
import { OverriddenScheduleRegistry } from './oncall/OverriddenScheduleRegistry';
import { OverrideService } from './oncall/OverrideService';
import {
  PermissionResources,
  registerResourceTypes,
} from './permissions/registerResourceTypes';
import { createPostmortems } from './postmortems';
import { createReleases } from './releases';
import { readReleaseSettings } from './releases/settings';
import { readPostmortemSettings } from './postmortems/settings';
import { ReportService } from './reports/ReportService';
import { readSeverityRubric } from './reports/severityRubric';
import { LiveUpdates } from './signals';
import { CachedPermissions } from './service/CachedPermissions';
import { CatalogCache } from './service/CatalogCache';
import { CatalogEntities } from './service/CatalogEntities';
import { createMultivacRouter } from './service/createMultivacRouter';
import { createWorkflow, loadAlertGroup } from './service/createWorkflow';
import { PortalUrls } from './service/PortalUrls';
import { RequestAuth } from './service/RequestAuth';
import { UserPermissions } from './service/UserPermissions';

/** The Backstage services Multivac is built from. */
export interface MultivacServices {
  auth: AuthService;
  catalog: CatalogService;
  config: Config;
  database: DatabaseService;
  discovery: DiscoveryService;
  httpAuth: HttpAuthService;
  logger: LoggerService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  scheduler: SchedulerService;
  /** Registers Multivac's actions (for MCP clients); none without it. */
  actionsRegistry?: ActionsRegistryService;
  /** Live updates for open portal pages; none without it. */
  signals?: SignalsService;
  /**
   * Backstage's notifications, when they are on (`notificationsEnabled`);
   * without it Multivac sends none.
   */
  notifications?: NotificationService;
}

/** A built Multivac: its routes, and its job worker to start and stop. */
export interface Multivac {
  router: express.Router;
  jobs: { start(): void; stop(): Promise<void> };
}

/**
 * Builds Multivac from Backstage's services and what modules contributed,
 * and connects the contributions: the composition root, callable without a
 * backend. Each domain's service holds its rules; the routes, the workflow
 * for chat modules and the durable jobs all call those services.
 */
export async function createMultivac(
  services: MultivacServices,
  contributions: MultivacContributions,
): Promise<Multivac> {
  const { auth, catalog, config, logger, scheduler } = services;
  const db = await openDatabase(services.database);
  if (demoHistoryEnabled(config, logger)) {
    // The demo's pages go to whoever the built-in schedules have on call;
    // the demo's are Schedule entities, read from their files since the
    // catalog has not ingested them yet.
    const written = await seedDemoHistory(db, new Date(), [
      ...parseSchedules(config),
      ...schedulesInCatalogFiles(config, logger),
    ]);
    if (written > 0) {
      logger.info(
        `Wrote a 90-day demo history of ${written} incidents (multivac.demo.history)`,
      );
    }
  }
  const jobs = new DatabaseJobQueue(
    db,
    logger,
    DatabaseJobQueue.optionsFromConfig(config),
  );
  const urls = PortalUrls.fromConfig(config);
  // The read paths of the entity pages share one catalog walk and one
  // window of permission decisions per user (CatalogCache, CachedPermissions).
  const cachedPermissions = new CachedPermissions(services.permissions);
  const cachedCatalog = new CatalogCache({
    catalog,
    auth,
    permissions: cachedPermissions,
    logger,
  }).catalogService();
  const entities = new CatalogEntities(cachedCatalog, auth);

  // Backstage notifications (issue 20): a subscriber registered before the
  // deliveries are built, and the `notifications` paging channel.
  const notifications =
    services.notifications &&
    createNotifications({
      notifications: services.notifications,
      contributions,
      ownersOf: refs => entities.ownersOf(refs),
      urls,
      pageLink: pageLink({
        urls,
        onCallUrl: `${
          config.getOptionalString('app.baseUrl') ?? ''
        }/multivac/oncall`,
        // Read when a page's notification is sent, once both stores exist.
        // eslint-disable-next-line @typescript-eslint/no-use-before-define
        incident: id => incidentStore.getIncident(id),
        // eslint-disable-next-line @typescript-eslint/no-use-before-define
        report: id => reportStore.get(id),
      }),
      jobs,
      // eslint-disable-next-line @typescript-eslint/no-use-before-define
      postmortem: id => postmortems.find(id),
      logger,
    });

  const insightsStore = new DatabaseInsightsStore(db);
  // Bad schedules fail the start-up with a message naming the field.
  const schedules = parseSchedules(config);
  // The built-in schedules: config's and the catalog's Schedule entities,
  // each catalog schedule with its versions (issue 19).
  // Shifts covered in Multivac are applied on top (issue 19).
  const overrideStore = new DatabaseOverrideStore(db);
  const scheduleRegistry = new OverriddenScheduleRegistry({
    config: schedules,
    catalog: {
      catalog,
      auth,
      versions: new DatabaseScheduleVersionStore(db),
    },
    logger,
    overrides: overrideStore,
  });
  await scheduler.scheduleTask({
    id: 'multivac-schedules-refresh',
    frequency: { seconds: 30 },
    timeout: { minutes: 1 },
    initialDelay: { seconds: 5 },
    scope: 'local',
    fn: () => scheduleRegistry.refresh(),
  });
  // Every page level that reaches a person goes into the interruptions ledger.
  const pageStore = new RecordingPageStore(
    new DatabasePageStore(db),
    insightsStore,
    new PersonTimeZones(catalog, auth, scheduleRegistry.timeZones),
  );
  const reportStore = new DatabaseReportStore(db, pageStore);
  // Changes also reach open portal pages as signals, once committed.
  const live = new LiveUpdates(services.signals, logger, id =>
    pageStore.get(id),
  );
  /* eslint-disable @typescript-eslint/no-use-before-define --
   * The incident store records a delivery with every change, and the
   * post-mortem service records them too; deliveries read the incident or
   * post-mortem back only when their jobs run, after both exist. */
  const deliveries = {
    incidents: live.incidents(
      incidentDeliveries(jobs, contributions.incidentSubscribers.list(), {
        timelineEvent: id => incidentStore.getTimelineEvent(id),
        incident: id => incidentStore.getIncident(id),
      }),
    ),
    postmortems: live.postmortems(
      postmortemDeliveries(
        jobs,
        contributions.postmortemSubscribers.list(),
        id => postmortems.get(id),
      ),
    ),
    /* eslint-enable @typescript-eslint/no-use-before-define */
    reports: live.reports(
      reportDeliveries(jobs, contributions.reportSubscribers.list(), id =>
        reportStore.mustGet(id),
      ),
    ),
    pages: live.pages(
      pageDeliveries(jobs, contributions.pageSubscribers.list(), id =>
        pageStore.get(id),
      ),
    ),
  };
  const incidentStore: IncidentStore = new DatabaseIncidentStore(
    db,
    (tx, event) =>
      deliveries.incidents.changed(
        { id: event.id, incidentId: event.incidentId },
        event.type,
        'event',
        tx,
      ),
  );
  const people = PeopleDirectory.fromConfig(config, {
    catalog: cachedCatalog,
    auth,
  });
  const builtin = new BuiltinOnCallProvider(scheduleRegistry, people);
  const overrides = new OverrideService({
    store: overrideStore,
    registry: scheduleRegistry,
    entities,
    people,
    // Read when a cover is made, once both exist.
    // eslint-disable-next-line @typescript-eslint/no-use-before-define
    incidentNotes: () => ({ incidents, onCall }),
    logger,
  });
  // Modules (e.g. PagerDuty) are asked before the built-in schedules.
  const onCall = new OnCallService(cachedCatalog, auth, [
    ...contributions.onCallProviders.list(),
    builtin,
  ]);
  // Bad paging channel config fails the start-up naming the key.
  const channelPaging = createChannelPaging({
    db,
    config,
    contributed: contributions.pagingChannels.list(),
    notifications: notifications?.channel,
    pages: pageStore,
    people,
    jobs,
    catalog,
    auth,
    discovery: services.discovery,
    logger,
  });
  const paging = new PagingService({
    store: pageStore,
    onCall,
    jobs,
    catalog,
    auth,
    builtin,
    people,
    deliveries,
    channels: channelPaging.channels,
  });
  const incidents = new IncidentService({
    store: incidentStore,
    entities,
    auth,
    paging: new IncidentPaging({
      store: incidentStore,
      onCall,
      paging,
      pages: pageStore,
      jobs,
      auth,
      logger,
      policy: readDeclarePagingPolicy(config),
      urls,
    }),
  });

  const reports = new ReportService({
    reports: reportStore,
    paging,
    incidents,
    jobs,
    deliveries: deliveries.reports,
    auth,
    logger,
    rubric: readSeverityRubric(config),
    fallbackScheduleId: fallbackSchedule(config, builtin, logger),
    reportUrl: reference => urls.report(reference),
    people,
  });
  const [tracker] = contributions.issueTrackers.list();
  const postmortems = await createPostmortems({
    db,
    config,
    urls,
    incidents: incidentStore,
    reports: reportStore,
    pages: pageStore,
    jobs,
    deliveries: deliveries.postmortems,
    catalog,
    auth,
    logger,
    scheduler,
    tracker,
    actionItemAssigned: notifications?.actionItemAssigned,
  });
  const releases = await createReleases({
    db,
    config,
    incidents: incidentStore,
    jobs,
    subscribers: contributions.releaseSubscribers.list(),
    catalog,
    auth,
    logger,
    scheduler,
  });
  const alertGroups = alertGroupDeliveries(
    jobs,
    contributions.alertGroupSubscribers.list(),
    // Read when the jobs run, once the alert service exists.
    // eslint-disable-next-line @typescript-eslint/no-use-before-define
    id => loadAlertGroup({ alerts, paging, incidents }, id),
  );
  const alerts = await createAlerts({
    db,
    config,
    jobs,
    paging,
    incidents,
    reports,
    catalog,
    auth,
    logger,
    scheduler,
    groupOpened: (tx, groupId) =>
      alertGroups.changed({ id: groupId }, 'opened', 'group', tx),
    incidentStarted: (tx, groupId) =>
      alertGroups.changed({ id: groupId }, 'incident', 'group', tx),
  });
  const resources = new PermissionResources({
    incidents: incidentStore,
    postmortems,
    pages: pageStore,
    releases: releases.releases,
    entities,
  });
  registerResourceTypes(services.permissionsRegistry, resources);
  // Chat users and calendar feed owners are checked as catalog users.
  const userPermissions = new UserPermissions({
    auth,
    discovery: services.discovery,
    permissions: services.permissions,
    logger,
  });

  // The daily digest: for the portal, and for chat modules to post.
  const digest = new DigestService({
    store: new DatabaseDigestStore(db),
    owners: insightsStore,
    catalog,
    auth,
    onCall,
    builtin,
    freezes: readReleaseSettings(config).freezes,
    postmortemTimeZone: readPostmortemSettings(config).timeZone,
  });

  // Who had a bad night, for the Slack module's morning nudge to their lead.
  const badNights = new BadNightsService({
    store: new BadNightsStore(db),
    onCallLoad: new OnCallLoadService({
      store: new OnCallLoadStore(db),
      schedules: scheduleRegistry.list,
      overrides: overrideStore,
      catalog,
      auth,
    }),
    schedules: scheduleRegistry.list,
    catalog,
    auth,
    logger,
    teamLeads: readTeamLeads(config),
  });

  // Each contribution gets its own workflow, so its permission checks name it.
  await contributions.connect(contributionId =>
    createWorkflow({
      incidents,
      reports,
      onCall,
      paging,
      pageUpdates: new PageUpdates(pageStore, incidents, deliveries),
      postmortems,
      alerts,
      releases: {
        service: releases.releases,
        environments: releases.environments,
        timeZone: releases.timeZone,
      },
      jobs,
      entities,
      catalog,
      auth,
      authorize: (userRef, permission, resourceRef) =>
        userPermissions.authorize(
          userRef,
          permission,
          resourceRef,
          `the ${contributionId} module`,
        ),
      urls,
      digest,
      badNights,
      overrides,
    }),
  );

  const onCallLoad = new OnCallLoadService({
    store: new OnCallLoadStore(db),
    // Updated in place as the catalog's schedules are read.
    schedules: scheduleRegistry.list,
    overrides: overrideStore,
    catalog,
    auth,
  });
  // Change failure rate per service and the teams' report cards.
  const insights = new InsightsService(insightsStore, catalog, auth);
  const changeFailure = new ChangeFailureService({
    store: new DatabaseChangeFailureStore(db),
    graph: releases.graph,
    dependencyDepth: releases.dependencyDepth,
    settings: ChangeFailureService.settingsFromConfig(config),
    catalog,
    auth,
  });
  const reportCard = new ReportCardService({
    insights,
    insightsStore,
    changeFailure,
    store: new DatabaseReportCardStore(db),
    onCall,
    catalog,
    auth,
    dueDateTimeZone: readPostmortemSettings(config).timeZone,
    onCallLoad,
  });

  // The routes and the actions check the same permissions the same way.
  const requestAuth = new RequestAuth(
    auth,
    services.httpAuth,
    cachedPermissions,
    services.permissionsRegistry,
    entities,
  );
  if (services.actionsRegistry) {
    registerMultivacActions(services.actionsRegistry, {
      requestAuth,
      incidents,
      onCall,
      paging,
      builtin,
      entities,
      releases: releases.releases,
      resources,
      reports,
    });
  }

  return {
    router: createMultivacRouter({
      insights,
      changeFailure,
      reportCard,
      onCallLoad,
      digest,
      httpAuth: services.httpAuth,
      alerts,
      logger,
      incidents,
      jobs,
      onCall,
      paging,
      builtin,
      overrides,
      acknowledgeLinks: channelPaging.links,
      people,
      reports,
      postmortems,
      releases,
      entities,
      userPermissions,
      requestAuth,
      resources,
      discovery: services.discovery,
      urls,
    }),
    jobs,
  };
}

/**
 * `multivac.onCall.fallbackSchedule`. A schedule not in
 * `multivac.onCall.schedules` is expected from the catalog, which is not
 * read yet at start-up: it is named in the log, and a page to it fails
 * naming it if the catalog has no such Schedule either.
 */
function fallbackSchedule(
  config: Config,
  builtin: BuiltinOnCallProvider,
  logger: LoggerService,
): string | undefined {
  const id = config.getOptionalString('multivac.onCall.fallbackSchedule');
  if (id !== undefined && !builtin.hasSchedule(id)) {
    logger.info(
      `multivac.onCall.fallbackSchedule: '${id}' is not in multivac.onCall.schedules; expecting a Schedule entity of that id in the catalog`,
    );
  }
  return id;
}
