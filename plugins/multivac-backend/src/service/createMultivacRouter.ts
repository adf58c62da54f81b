import {
  DiscoveryService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { ALERT_INGEST_PATH, AlertService, createAlertsRouter } from '../alerts';
import { IncidentService } from '../incidents/IncidentService';
import { createInsightsRouter, InsightsService } from '../insights';
import { ChangeFailureService } from '../insights/ChangeFailureService';
import { ReportCardService } from '../insights/ReportCardService';
import { OnCallLoadService } from '../insights/OnCallLoadService';
import { DigestService } from '../insights/DigestService';
import { JobQueue } from '../jobs/JobQueue';
import { BuiltinOnCallProvider } from '../oncall/BuiltinOnCallProvider';
import { OnCallService } from '../oncall/OnCallService';
import { PagingService } from '../oncall/PagingService';
import { PermissionResources } from '../permissions/registerResourceTypes';
import { ACKNOWLEDGE_PATH, createAcknowledgeRouter } from '../paging';
import { PeopleDirectory } from '../oncall/PeopleDirectory';
import { AcknowledgeLinks } from '../paging/AcknowledgeLinks';
import { PostmortemService } from '../postmortems';
import { createReleases } from '../releases';
import { ReportService } from '../reports/ReportService';
import { CatalogEntities } from './CatalogEntities';
import { createIncidentsRouter } from './incidentsRouter';
import { createOnCallRouter } from './oncallRouter';
import { OverrideService } from '../oncall/OverrideService';
import { PortalUrls } from './PortalUrls';
import { createPostmortemsRouter } from './postmortemsRouter';
import { createReleasesRouter, RELEASE_CALENDAR_PATH } from './releasesRouter';
import { createReportsRouter } from './reportsRouter';
import { RequestAuth } from './RequestAuth';
import { UserPermissions } from './UserPermissions';
import { hideDatabaseErrors } from './validation';

/** Paths served without a Backstage sign-in. */
export const UNAUTHENTICATED_PATHS = [
  '/health',
  // Calendar clients cannot sign in: the feed token is checked instead.
  RELEASE_CALENDAR_PATH,
  // Monitoring tools: the integration's secret or signature is checked instead.
  ALERT_INGEST_PATH,
  // Paging emails and webhooks: the link's signature is checked instead.
  ACKNOWLEDGE_PATH,
];

/**
 * `/api/multivac`: a health check and the domain routers (alerts,
 * incidents, on-call, reports, post-mortems, releases).
 */
export function createMultivacRouter(options: {
  alerts: AlertService;
  logger: LoggerService;
  incidents: IncidentService;
  insights: InsightsService;
  changeFailure?: ChangeFailureService;
  reportCard?: ReportCardService;
  onCallLoad?: OnCallLoadService;
  digest?: DigestService;
  httpAuth: HttpAuthService;
  jobs: JobQueue;
  onCall: OnCallService;
  paging: PagingService;
  builtin: BuiltinOnCallProvider;
  /** Shift cover (issue 19). */
  overrides?: OverrideService;
  acknowledgeLinks: AcknowledgeLinks;
  /** Catalog people, for pages that name them. */
  people?: PeopleDirectory;
  reports: ReportService;
  postmortems: PostmortemService;
  releases: Awaited<ReturnType<typeof createReleases>>;
  entities: CatalogEntities;
  userPermissions: UserPermissions;
  requestAuth: RequestAuth;
  resources: PermissionResources;
  discovery: DiscoveryService;
  urls: PortalUrls;
}): express.Router {
  const { entities, requestAuth, userPermissions, urls } = options;
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // First: alert signatures are checked over the raw body, before any
  // router below parses it as JSON.
  router.use(
    createAlertsRouter({
      alerts: options.alerts,
      entities,
      requestAuth,
      logger: options.logger,
      discovery: options.discovery,
    }),
  );
  router.use(
    createIncidentsRouter({
      incidents: options.incidents,
      jobs: options.jobs,
      requestAuth,
    }),
  );
  router.use(
    createOnCallRouter({
      onCall: options.onCall,
      paging: options.paging,
      builtin: options.builtin,
      entities,
      requestAuth,
      alerts: options.alerts,
      overrides: options.overrides,
    }),
  );
  router.use(
    createAcknowledgeRouter({
      links: options.acknowledgeLinks,
      paging: options.paging,
      people: options.people,
    }),
  );
  router.use(
    createReportsRouter({ reports: options.reports, entities, requestAuth }),
  );
  router.use(
    createPostmortemsRouter({
      postmortems: options.postmortems,
      entities,
      requestAuth,
    }),
  );
  router.use(
    createReleasesRouter({
      ...options.releases,
      entities,
      requestAuth,
      decideForUser: (userRef, permission) =>
        userPermissions.decide(
          userRef,
          permission,
          'the release calendar feed',
        ),
      resources: options.resources,
      feedUrl: async token =>
        `${await options.discovery.getExternalBaseUrl(
          'multivac',
        )}${RELEASE_CALENDAR_PATH}?token=${token}`,
      releaseUrl: reference => urls.release(reference),
    }),
  );
  router.use(
    createInsightsRouter({
      insights: options.insights,
      changeFailure: options.changeFailure,
      reportCard: options.reportCard,
      onCallLoad: options.onCallLoad,
      digest: options.digest,
      requestAuth,
      httpAuth: options.httpAuth,
    }),
  );
  // Last: what reached the database despite the checks says nothing of SQL.
  router.use(hideDatabaseErrors());
  return router;
}
