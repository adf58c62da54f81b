import { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  digestQuerySchema,
  INPUT_LIMITS,
  refSchema,
  ReleaseEnvironment,
  reportRequestSchema,
} from '@multivac/plugin-multivac-common';
import {
  MultivacWorkflow,
  PageUpdateReceiver,
  WorkflowAlertGroup,
} from '@multivac/plugin-multivac-node';
import { z } from 'zod';
import { AlertService } from '../alerts';
import { DigestService } from '../insights/DigestService';
import {
  BadNightsService,
  badNightsQuerySchema,
} from '../insights/BadNightsService';
import { IncidentActor, IncidentService } from '../incidents/IncidentService';
import { JobQueue } from '../jobs/JobQueue';
import { OnCallService } from '../oncall/OnCallService';
import { OverrideService } from '../oncall/OverrideService';
import { PagingService } from '../oncall/PagingService';
import { PostmortemService } from '../postmortems';
import { ReleaseService } from '../releases';
import { ReportService } from '../reports/ReportService';
import { CatalogEntities } from './CatalogEntities';
import { PortalUrls } from './PortalUrls';
import { parseInput } from './validation';

const firingAlertsSchema = z.object({
  entities: z.array(refSchema()).max(INPUT_LIMITS.maxListLength).optional(),
  limit: z.number().int().min(1).max(200),
});

/** What a name without a kind may be, in the order it is looked for. */
const SERVICE_OR_TEAM_KINDS = ['component', 'group', 'system'];

/**
 * The alert group with the page it sent and its incident's reference;
 * undefined when there is no such group. Alert group subscribers get the
 * same.
 */
export async function loadAlertGroup(
  deps: {
    alerts: Pick<AlertService, 'getGroup'>;
    paging: Pick<PagingService, 'get'>;
    incidents: Pick<IncidentService, 'find'>;
  },
  id: string,
): Promise<WorkflowAlertGroup | undefined> {
  let group;
  try {
    group = await deps.alerts.getGroup(id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      return undefined;
    }
    throw error;
  }
  const page = group.pageId ? await deps.paging.get(group.pageId) : undefined;
  const incident = group.incidentId
    ? await deps.incidents.find(group.incidentId)
    : undefined;
  return { ...group, page, incidentReference: incident?.reference };
}

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
  alerts: AlertService;
  releases: {
    service: ReleaseService;
    environments: ReleaseEnvironment[];
    timeZone: string;
  };
  jobs: JobQueue;
  entities: CatalogEntities;
  catalog: CatalogService;
  auth: AuthService;
  authorize: MultivacWorkflow['authorize'];
  urls: PortalUrls;
  digest: DigestService;
  badNights: BadNightsService;
  /** Shift cover (issue 19); absent: no `onCall.coverShift`. */
  overrides?: OverrideService;
}): MultivacWorkflow {
  const {
    incidents,
    reports,
    onCall,
    paging,
    postmortems,
    alerts,
    releases,
    jobs,
    entities,
    catalog,
    auth,
  } = deps;
  const serviceCredentials = () => auth.getOwnServiceCredentials();
  // Chat modules act for a catalog user whose permission they have checked.
  const user = (ref: string): IncidentActor => ({ ref, isUser: true });
  const existing = async (refs: string[]) =>
    entities.requireExisting(refs, await serviceCredentials());
  /** `payments` → the Component, else Group, else System the catalog has. */
  const serviceOrTeam = async (name: string): Promise<string> => {
    let candidates: string[];
    try {
      candidates = [
        ...new Set(
          SERVICE_OR_TEAM_KINDS.map(kind =>
            stringifyEntityRef(
              parseEntityRef(name, {
                defaultKind: kind,
                defaultNamespace: 'default',
              }),
            ),
          ),
        ),
      ];
    } catch {
      throw new InputError(`'${name}' is not a catalog entity ref`);
    }
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: candidates, fields: ['kind', 'metadata.name'] },
      { credentials: await serviceCredentials() },
    );
    const found = candidates.find((_, i) => items[i]);
    if (!found) {
      throw new InputError(
        `There is no service or team '${name}' in the catalog (looked for ${candidates.join(
          ', ',
        )})`,
      );
    }
    return found;
  };

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
      ...(deps.overrides && {
        coverShift: async (request, actor) =>
          deps.overrides!.coverLocal(
            request,
            actor,
            await serviceCredentials(),
          ),
      }),
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
    alerts: {
      async firing(options) {
        const input = parseInput(firingAlertsSchema, options, 'alerts');
        const entityRefs: string[] = [];
        for (const name of input.entities ?? []) {
          entityRefs.push(await serviceOrTeam(name));
        }
        const { items, totalCount } = await alerts.list({
          status: 'firing',
          entityRefs:
            entityRefs.length > 0
              ? await entities.withOwnedAndContained(entityRefs)
              : undefined,
          limit: input.limit,
          offset: 0,
        });
        return { entityRefs, items, totalCount };
      },
      getGroup: id => loadAlertGroup({ alerts, paging, incidents }, id),
      acknowledge: (groupId, actor) => alerts.acknowledge(groupId, actor),
      startIncident: (groupId, actor) =>
        alerts.startIncident(groupId, user(actor)),
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
    insights: {
      digest: query =>
        deps.digest.compose(parseInput(digestQuerySchema, query, 'digest')),
      badNights: query =>
        deps.badNights.badNights(
          parseInput(badNightsQuerySchema, query, 'badNights'),
        ),
    },
    urls: {
      incident: reference => deps.urls.incident(reference),
      report: reference => deps.urls.report(reference),
      postmortem: idOrReference => deps.urls.postmortem(idOrReference),
      release: reference => deps.urls.release(reference),
      alerts: entityRef => deps.urls.alerts(entityRef),
      alertGroup: id => deps.urls.alertGroup(id),
    },
  };
}
