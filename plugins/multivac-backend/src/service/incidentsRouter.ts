import {
  declareIncidentSchema,
  incidentCreatePermission,
  incidentReadPermission,
  incidentUpdatePermission,
  Incident,
  IncidentList,
  IncidentStatus,
  ACTIVE_INCIDENT_STATES,
  listIncidentsQuerySchema,
  noteSchema,
  roleChangeSchema,
  transitionSchema,
  TimelineEvent,
  updateIncidentSchema,
} from '@multivac/plugin-multivac-common';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { IncidentService } from '../incidents/IncidentService';
import { JobQueue } from '../jobs/JobQueue';
import { Caller, RequestAuth } from './RequestAuth';
import { checkIdParams, parseInput as parse } from './validation';

/** Jobs shown with one incident; `jobCount` says how many it has in all. */
const MAX_JOBS_PER_INCIDENT = 100;

export interface RouterOptions {
  incidents: IncidentService;
  jobs: JobQueue;
  requestAuth: RequestAuth;
}

/** What the incident routes and actions (src/actions) are built from. */
export interface IncidentOperations {
  incidents: IncidentService;
  requestAuth: RequestAuth;
}

/**
 * The incident `id` (and the input, parsed by `parseBody` so that bad
 * input is a 400 whether or not the incident exists), if the policy allows
 * `permission` on it; else 403.
 */
export async function authorizeIncident<TBody = undefined>(
  { incidents, requestAuth }: IncidentOperations,
  caller: Caller,
  id: string,
  permission: ResourcePermission,
  parseBody?: () => TBody,
) {
  const { item, credentials } = await requestAuth.authorizeItem(
    caller,
    permission,
    async () => ({
      body: parseBody?.() as TBody,
      incident: await incidents.get(id),
    }),
    ({ incident }) => incident.reference,
  );
  return { ...item, credentials };
}

/** `POST /incidents` and the declare-incident action. */
export async function declareIncident(
  { incidents, requestAuth }: IncidentOperations,
  caller: Caller,
  input: unknown,
): Promise<Incident> {
  const credentials = await requestAuth.authorize(
    caller,
    incidentCreatePermission,
  );
  const body = parse(declareIncidentSchema, input, 'incident');
  return incidents.declare(body, requestAuth.incidentActor(credentials));
}

/** `GET /incidents` and the list-incidents action: what the caller may read. */
export async function listIncidents(
  { incidents, requestAuth }: IncidentOperations,
  caller: Caller,
  input: unknown,
): Promise<IncidentList> {
  const { filter } = await requestAuth.authorizeList(
    caller,
    incidentReadPermission,
  );
  const query = parse(listIncidentsQuerySchema, input, 'query');
  // `all` is any state: no status filter.
  const statuses = query.status?.includes('all')
    ? undefined
    : query.status?.flatMap(s =>
        s === 'active' ? ACTIVE_INCIDENT_STATES : [s as IncidentStatus],
      );
  const { items, totalCount } = await incidents.list({
    entityRefs: query.entityRef,
    statuses,
    severities: query.severity,
    text: query.q || undefined,
    from: query.from,
    to: query.to,
    limit: query.limit,
    offset: query.offset,
    permission: filter,
  });
  return { items, totalCount, limit: query.limit, offset: query.offset };
}

/** `POST /incidents/:id/notes` and the add-incident-note action. */
export async function addIncidentNote(
  operations: IncidentOperations,
  caller: Caller,
  id: string,
  input: unknown,
): Promise<TimelineEvent> {
  const { incident, body, credentials } = await authorizeIncident(
    operations,
    caller,
    id,
    incidentUpdatePermission,
    () => parse(noteSchema, input, 'note'),
  );
  return operations.incidents.addNote(
    incident.id,
    body.text,
    operations.requestAuth.incidentActor(credentials),
  );
}

/** The incident routes: `/incidents` and below. */
export function createIncidentsRouter(options: RouterOptions): express.Router {
  const { incidents, jobs, requestAuth } = options;
  const router = Router();
  checkIdParams(router, 'id');
  router.use(express.json({ limit: '1mb' }));
  const actor = requestAuth.incidentActor.bind(requestAuth);

  /** The incident `:id` if the policy allows `permission` on it (see authorizeIncident). */
  const authorizeIncidentOf = <TBody = undefined>(
    req: Request,
    permission: ResourcePermission,
    parseBody?: () => TBody,
  ) =>
    authorizeIncident(
      { incidents, requestAuth },
      req,
      req.params.id,
      permission,
      parseBody,
    );

  router.post('/incidents', async (req, res) => {
    res
      .status(201)
      .json(await declareIncident({ incidents, requestAuth }, req, req.body));
  });

  router.get('/incidents', async (req, res) => {
    res.json(await listIncidents({ incidents, requestAuth }, req, req.query));
  });

  router.get('/incidents/:id', async (req, res) => {
    const { incident } = await authorizeIncidentOf(req, incidentReadPermission);
    const latest = await jobs.latestForIncident(
      incident.id,
      MAX_JOBS_PER_INCIDENT,
    );
    res.json({ ...incident, jobs: latest.items, jobCount: latest.totalCount });
  });

  router.patch('/incidents/:id', async (req, res) => {
    const { incident, body, credentials } = await authorizeIncidentOf(
      req,
      incidentUpdatePermission,
      () => parse(updateIncidentSchema, req.body, 'incident update'),
    );
    res.json(await incidents.update(incident.id, body, actor(credentials)));
  });

  router.post('/incidents/:id/transitions', async (req, res) => {
    const { incident, body, credentials } = await authorizeIncidentOf(
      req,
      incidentUpdatePermission,
      () => parse(transitionSchema, req.body, 'transition'),
    );
    res.json(
      await incidents.transition(
        incident.id,
        body.to,
        actor(credentials),
        body.note,
      ),
    );
  });

  router.post('/incidents/:id/roles', async (req, res) => {
    const { incident, body, credentials } = await authorizeIncidentOf(
      req,
      incidentUpdatePermission,
      () => parse(roleChangeSchema, req.body, 'role change'),
    );
    res.json(await incidents.changeRole(incident.id, body, actor(credentials)));
  });

  router.post('/incidents/:id/notes', async (req, res) => {
    res
      .status(201)
      .json(
        await addIncidentNote(
          { incidents, requestAuth },
          req,
          req.params.id,
          req.body,
        ),
      );
  });

  router.get('/incidents/:id/timeline', async (req, res) => {
    const { incident } = await authorizeIncidentOf(req, incidentReadPermission);
    res.json({ items: await incidents.timeline(incident.id) });
  });

  return router;
}
