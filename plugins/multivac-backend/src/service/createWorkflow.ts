import { AuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  ReleaseEnvironment,
  reportRequestSchema,
} from '@multivac/plugin-multivac-common';
import {
  MultivacWorkflow,
  PageUpdateReceiver,
} from '@multivac/plugin-multivac-node';
import { IncidentActor, IncidentService } from '../incidents/IncidentService';
import { JobQueue } from '../jobs/JobQueue';
import { OnCallService } from '../oncall/OnCallService';
import { PagingService } from '../oncall/PagingService';
import { PostmortemService } from '../postmortems';
import { ReleaseService } from '../releases';
import { ReportService } from '../reports/ReportService';
import { CatalogEntities } from './CatalogEntities';
import { PortalUrls } from './PortalUrls';
import { parseInput } from './validation';

/**
 * The workflow handed to chat modules: the same services and checks as the
 * REST routes, acting for a catalog user the module has already authorized.
 */
export function createWorkflow(deps: {
  incidents: IncidentService;
  reports: ReportService;
  onCall: OnCallService;
  paging: PagingService;
  pageUpdates: PageUpdateReceiver;
  postmortems: PostmortemService;
  releases: {
    service: ReleaseService;
    environments: ReleaseEnvironment[];
    timeZone: string;
  };
  jobs: JobQueue;
  entities: CatalogEntities;
  auth: AuthService;
  authorize: MultivacWorkflow['authorize'];
  urls: PortalUrls;
}): MultivacWorkflow {
  const {
    incidents,
    reports,
    onCall,
    paging,
    postmortems,
    releases,
    jobs,
    entities,
    auth,
  } = deps;
  const serviceCredentials = () => auth.getOwnServiceCredentials();
  // Chat modules act for a catalog user whose permission they have checked.
  const user = (ref: string): IncidentActor => ({ ref, isUser: true });
  const existing = async (refs: string[]) =>
    entities.requireExisting(refs, await serviceCredentials());

  return {
    incidents: {
      declare: (input, actor) => incidents.declare(input, user(actor)),
      get: idOrReference => incidents.find(idOrReference),
      update: (id, changes, actor) =>
        incidents.update(id, changes, user(actor)),
      transition: (id, to, actor, note) =>
        incidents.transition(id, to, user(actor), note),
      assignRole: (id, role, userRef, actor) =>
        incidents.changeRole(
          id,
          { role, userRef, action: 'assign' },
          user(actor),
        ),
      addNote: (id, text, actor) => incidents.addNote(id, text, user(actor)),
      timeline: id => incidents.timeline(id),
    },
    reports: {
      get rubric() {
        return reports.rubric;
      },
      async submit(input, reporter) {
        const report = parseInput(reportRequestSchema, input, 'report');
        const [entityRef] = await existing([report.entityRef]);
        return reports.submit({ ...report, entityRef }, reporter);
      },
      get: idOrReference => reports.get(idOrReference),
      startIncident: (idOrReference, actor) =>
        reports.startIncident(idOrReference, user(actor)),
    },
    onCall: {
      async whoIsOnCall(entityRef) {
        const [ref] = await existing([entityRef]);
        return onCall.whoIsOnCall(ref, await serviceCredentials());
      },
      async pageEntity(entityRef, page, actor) {
        const [ref] = await existing([entityRef]);
        return paging.page(
          { ...page, entityRef: ref },
          await serviceCredentials(),
          actor,
        );
      },
      async pageUser(userRef, page, actor) {
        const [ref, about] = await existing(
          page.about ? [userRef, page.about] : [userRef],
        );
        return paging.pageUser(ref, { ...page, about }, actor);
      },
      acknowledge: (pageId, actor) => paging.acknowledge(pageId, actor),
      pageUpdates: deps.pageUpdates,
    },
    postmortems: {
      create: (incidentIdOrReference, actor) =>
        postmortems.create(incidentIdOrReference, actor),
      get: idOrIncidentReference => postmortems.find(idOrIncidentReference),
    },
    releases: {
      environments: releases.environments,
      timeZone: releases.timeZone,
      async around(entityRefs, { environment, statuses, from, to }) {
        if (
          environment !== undefined &&
          !releases.environments.some(e => e.id === environment)
        ) {
          throw new InputError(
            `Unknown environment '${environment}'; configured: ${releases.environments
              .map(e => e.id)
              .join(', ')}`,
          );
        }
        return releases.service.around(await existing(entityRefs), {
          environments: environment === undefined ? undefined : [environment],
          statuses: statuses && [...statuses],
          from,
          to,
        });
      },
    },
    jobs: {
      registerHandler: (type, handler) =>
        jobs.registerHandler(type, job =>
          handler({
            id: job.id,
            payload: job.payload,
            attempt: job.attempt,
            signal: job.signal,
          }),
        ),
      enqueue: request => jobs.enqueue(request),
    },
    authorize: deps.authorize,
    urls: {
      incident: reference => deps.urls.incident(reference),
      report: reference => deps.urls.report(reference),
      postmortem: idOrReference => deps.urls.postmortem(idOrReference),
      release: reference => deps.urls.release(reference),
    },
  };
}
