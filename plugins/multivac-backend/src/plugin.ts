import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { multivacPermissions } from '@multivac/plugin-multivac-common';
import {
  IncidentSubscriber,
  IssueTracker,
  multivacIncidentsExtensionPoint,
  multivacIssueTrackerExtensionPoint,
  multivacOnCallExtensionPoint,
  multivacReleasesExtensionPoint,
  multivacWorkflowExtensionPoint,
  MultivacWorkflow,
  OnCallProvider,
  PageSubscriber,
  PageUpdateReceiver,
  PostmortemSubscriber,
  ReleaseSubscriber,
  ReportSubscriber,
} from '@multivac/plugin-multivac-node';
import { DatabaseIncidentStore } from './database/DatabaseIncidentStore';
import { DatabasePageStore } from './database/DatabasePageStore';
import { DatabaseReportStore } from './database/DatabaseReportStore';
import { useWriteAheadLog } from './database/util';
import { DatabaseJobQueue } from './jobs/DatabaseJobQueue';
import { BuiltinOnCallProvider } from './oncall/BuiltinOnCallProvider';
import { OnCallService } from './oncall/OnCallService';
import { PageUpdates } from './oncall/PageUpdates';
import { PagingService } from './oncall/PagingService';
import { PeopleDirectory } from './oncall/PeopleDirectory';
import { parseSchedules } from './oncall/schedule';
import { createPostmortems } from './postmortems';
import { createReleases, releaseUrl } from './releases';
import { ReportService } from './reports/ReportService';
import { readSeverityRubric } from './reports/severityRubric';
import { CatalogEntities } from './service/CatalogEntities';
import { IncidentDeliveries } from './service/deliveries';
import { RequestAuth } from './service/RequestAuth';
import { createOnCallRouter } from './service/oncallRouter';
import { createPostmortemsRouter } from './service/postmortemsRouter';
import {
  createReleasesRouter,
  RELEASE_CALENDAR_PATH,
} from './service/releasesRouter';
import { createReportsRouter } from './service/reportsRouter';
import { createRouter } from './service/router';
import { createWorkflow } from './service/createWorkflow';
import { UserPermissions } from './service/UserPermissions';
import { WorkflowDeliveries } from './service/WorkflowDeliveries';

/**
 * Multivac backend plugin: incidents REST API under `/api/multivac`, their
 * store, and the durable jobs that carry side effects to modules.
 */
export const multivacPlugin = createBackendPlugin({
  pluginId: 'multivac',
  register(env) {
    const subscribers: IncidentSubscriber[] = [];
    env.registerExtensionPoint(multivacIncidentsExtensionPoint, {
      addSubscriber(subscriber) {
        if (subscribers.some(s => s.id === subscriber.id)) {
          throw new Error(
            `An incident subscriber with id '${subscriber.id}' is already registered`,
          );
        }
        subscribers.push(subscriber);
      },
    });
    const onCallProviders: OnCallProvider[] = [];
    // Modules get the receiver before the plugin's init has built it.
    let pageUpdates: PageUpdateReceiver | undefined;
    env.registerExtensionPoint(multivacOnCallExtensionPoint, {
      addProvider(provider) {
        onCallProviders.push(provider);
      },
      pageUpdates: {
        record(update) {
          if (!pageUpdates) {
            throw new Error('The multivac plugin has not started yet');
          }
          return pageUpdates.record(update);
        },
      },
    });

    const workflowReady: Array<(workflow: MultivacWorkflow) => void> = [];
    const reportSubscribers: ReportSubscriber[] = [];
    const pageSubscribers: PageSubscriber[] = [];
    const postmortemSubscribers: PostmortemSubscriber[] = [];
    env.registerExtensionPoint(multivacWorkflowExtensionPoint, {
      onReady(callback) {
        workflowReady.push(callback);
      },
      addReportSubscriber(subscriber) {
        reportSubscribers.push(subscriber);
      },
      addPageSubscriber(subscriber) {
        pageSubscribers.push(subscriber);
      },
      addPostmortemSubscriber(subscriber) {
        postmortemSubscribers.push(subscriber);
      },
    });

    const releaseSubscribers: ReleaseSubscriber[] = [];
    env.registerExtensionPoint(multivacReleasesExtensionPoint, {
      addReleaseSubscriber(subscriber) {
        if (releaseSubscribers.some(s => s.id === subscriber.id)) {
          throw new Error(
            `A release subscriber with id '${subscriber.id}' is already registered`,
          );
        }
        releaseSubscribers.push(subscriber);
      },
    });

    let issueTracker: IssueTracker | undefined;
    env.registerExtensionPoint(multivacIssueTrackerExtensionPoint, {
      setIssueTracker(tracker) {
        if (issueTracker) {
          throw new Error(
            `Cannot use issue tracker '${tracker.id}': '${issueTracker.id}' is already set, and Multivac tracks post-mortems in one tracker`,
          );
        }
        issueTracker = tracker;
      },
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        discovery: coreServices.discovery,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
      },
      async init({
        auth,
        catalog,
        config,
        database,
        discovery,
        httpAuth,
        httpRouter,
        lifecycle,
        logger,
        permissions,
        permissionsRegistry,
        scheduler,
      }) {
        const db = await database.getClient();
        await useWriteAheadLog(db);
        const jobs = new DatabaseJobQueue(
          db,
          logger,
          DatabaseJobQueue.optionsFromConfig(config),
        );
        const deliveries = new IncidentDeliveries(subscribers, jobs, logger);
        const store = await DatabaseIncidentStore.create({
          database,
          onTimelineEvent: deliveries.record,
        });
        deliveries.attach(store);

        // Bad schedules fail the start-up with a message naming the field.
        const people = PeopleDirectory.fromConfig(config, { catalog, auth });
        const builtin = new BuiltinOnCallProvider(
          parseSchedules(config),
          people,
        );
        // Modules (e.g. PagerDuty) are asked before the built-in schedules.
        const onCall = new OnCallService(catalog, auth, [
          ...onCallProviders,
          builtin,
        ]);
        const pageStore = new DatabasePageStore(db);
        const workflowDeliveries = new WorkflowDeliveries(
          jobs,
          reportSubscribers,
          pageSubscribers,
          postmortemSubscribers,
        );
        const paging = new PagingService({
          store: pageStore,
          onCall,
          jobs,
          catalog,
          auth,
          builtin,
          people,
          deliveries: workflowDeliveries,
        });
        pageUpdates = new PageUpdates(pageStore, store, workflowDeliveries);
        const baseUrl = config.getOptionalString('app.baseUrl') ?? '';
        const reportStore = new DatabaseReportStore(db, pageStore);
        const reports = new ReportService({
          reports: reportStore,
          paging,
          incidents: store,
          jobs,
          deliveries: workflowDeliveries,
          auth,
          logger,
          rubric: readSeverityRubric(config),
          fallbackScheduleId: fallbackSchedule(config, builtin),
          reportUrl: reference => `${baseUrl}/multivac/reports/${reference}`,
        });
        workflowDeliveries.attach({
          report: id => reportStore.mustGet(id),
          page: id => pageStore.get(id),
        });
        const postmortems = await createPostmortems({
          db,
          config,
          baseUrl,
          incidents: store,
          reports: reportStore,
          pages: pageStore,
          jobs,
          deliveries: workflowDeliveries,
          catalog,
          auth,
          logger,
          scheduler,
          tracker: issueTracker,
        });
        workflowDeliveries.attachPostmortems(id => postmortems.get(id));
        const entities = new CatalogEntities(catalog, auth);
        // Chat users and calendar feed owners are checked as catalog users.
        const userPermissions = new UserPermissions({
          auth,
          discovery,
          permissions,
          logger,
        });
        const releases = await createReleases({
          db,
          config,
          incidents: store,
          jobs,
          subscribers: releaseSubscribers,
          catalog,
          auth,
          logger,
          scheduler,
        });
        if (workflowReady.length > 0) {
          const workflow = createWorkflow({
            store,
            reports,
            onCall,
            paging,
            postmortems,
            releases: {
              service: releases.releases,
              environments: releases.environments,
              timeZone: releases.timeZone,
            },
            jobs,
            entities,
            auth,
            authorize: (userRef, permission) =>
              userPermissions.authorize(userRef, permission),
            baseUrl,
          });
          workflowReady.forEach(ready => ready(workflow));
        }
        const requestAuth = new RequestAuth(auth, httpAuth, permissions);

        permissionsRegistry.addPermissions(multivacPermissions);
        httpRouter.use(
          await createRouter({ store, jobs, entities, requestAuth }),
        );
        httpRouter.use(
          createOnCallRouter({
            onCall,
            paging,
            builtin,
            entities,
            requestAuth,
          }),
        );
        httpRouter.use(createReportsRouter({ reports, entities, requestAuth }));
        httpRouter.use(
          createPostmortemsRouter({ postmortems, entities, requestAuth }),
        );
        httpRouter.use(
          createReleasesRouter({
            ...releases,
            entities,
            requestAuth,
            authorizeUser: (userRef, permission) =>
              userPermissions.authorize(userRef, permission),
            feedUrl: async token =>
              `${await discovery.getExternalBaseUrl(
                'multivac',
              )}${RELEASE_CALENDAR_PATH}?token=${token}`,
            releaseUrl: reference => releaseUrl(baseUrl, reference),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // Calendar clients cannot sign in: the feed token is checked instead.
        httpRouter.addAuthPolicy({
          path: RELEASE_CALENDAR_PATH,
          allow: 'unauthenticated',
        });

        lifecycle.addStartupHook(() => jobs.start());
        lifecycle.addShutdownHook(() => jobs.stop());
      },
    });
  },
});

/** `multivac.onCall.fallbackSchedule`, checked against the built-in schedules. */
function fallbackSchedule(
  config: Config,
  builtin: BuiltinOnCallProvider,
): string | undefined {
  const id = config.getOptionalString('multivac.onCall.fallbackSchedule');
  if (id !== undefined && !builtin.hasSchedule(id)) {
    throw new Error(
      `multivac.onCall.fallbackSchedule: '${id}' is not in multivac.onCall.schedules`,
    );
  }
  return id;
}
