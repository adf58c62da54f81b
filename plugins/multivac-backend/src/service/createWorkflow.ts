import { AuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  ReleaseEnvironment,
  reportRequestSchema,
} from '@multivac/plugin-multivac-common';
import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import { IncidentStore } from '../database/IncidentStore';
import { JobQueue } from '../jobs/JobQueue';
import { OnCallService } from '../oncall/OnCallService';
import { PagingService } from '../oncall/PagingService';
import { postmortemUrl, PostmortemService } from '../postmortems';
import { ReleaseService, releaseUrl } from '../releases';
import { ReportService } from '../reports/ReportService';
import { CatalogEntities } from './CatalogEntities';
import { parseInput } from './validation';

/**
 * The workflow handed to chat modules: the same services and checks as the
 * REST routes, acting for a catalog user the module has already authorized.
 */
export function createWorkflow(deps: {
  store: IncidentStore;
  reports: ReportService;
  onCall: OnCallService;
  paging: PagingService;
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
  baseUrl: string;
}): MultivacWorkflow {
  const {
    store,
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
  const existing = async (refs: string[]) =>
    entities.requireExisting(refs, await serviceCredentials());

  return {
    incidents: {
      async declare(input, actor) {
        return store.createIncident(
          { ...input, entityRefs: await existing(input.entityRefs) },
          actor,
          { roles: [{ role: 'controller', userRef: actor }] },
        );
      },
      get: idOrReference => store.getIncident(idOrReference),
      update: (id, changes, actor) => store.updateIncident(id, changes, actor),
      transition: (id, to, actor, note) =>
        store.transitionIncident(id, to, actor, note),
      async assignRole(id, role, userRef, actor) {
        const [user] = await existing([userRef]);
        return store.changeRole(
          id,
          { role, userRef: user, action: 'assign' },
          actor,
        );
      },
      addNote: (id, text, actor) => store.addNote(id, text, actor),
      timeline: id => store.getTimeline(id),
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
        reports.startIncident(idOrReference, actor, true),
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
          handler({ id: job.id, payload: job.payload, attempt: job.attempt }),
        ),
      enqueue: request => jobs.enqueue(request),
    },
    authorize: deps.authorize,
    urls: {
      incident: reference => `${deps.baseUrl}/multivac/incidents/${reference}`,
      report: reference => `${deps.baseUrl}/multivac/reports/${reference}`,
      postmortem: idOrReference => postmortemUrl(deps.baseUrl, idOrReference),
      release: reference => releaseUrl(deps.baseUrl, reference),
    },
  };
}
