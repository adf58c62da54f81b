import {
  declareIncidentSchema,
  incidentCreatePermission,
  incidentReadPermission,
  incidentUpdatePermission,
  IncidentList,
  IncidentStatus,
  ACTIVE_INCIDENT_STATES,
  listIncidentsQuerySchema,
  noteSchema,
  roleChangeSchema,
  transitionSchema,
  updateIncidentSchema,
} from '@multivac/plugin-multivac-common';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { IncidentService } from '../incidents/IncidentService';
import { JobQueue } from '../jobs/JobQueue';
import { RequestAuth } from './RequestAuth';
import { checkIdParams, parseInput as parse } from './validation';

/** Jobs shown with one incident; `jobCount` says how many it has in all. */
const MAX_JOBS_PER_INCIDENT = 100;

export interface RouterOptions {
  incidents: IncidentService;
  jobs: JobQueue;
  requestAuth: RequestAuth;
}

/** The incident routes: `/incidents` and below. */
export function createIncidentsRouter(options: RouterOptions): express.Router {
  const { incidents, jobs, requestAuth } = options;
  const router = Router();
  checkIdParams(router, 'id');
  router.use(express.json({ limit: '1mb' }));
  const authorize = requestAuth.authorize.bind(requestAuth);
  const actor = requestAuth.incidentActor.bind(requestAuth);

  /**
   * The incident `:id` (and the request's body, parsed by `parseBody` so
   * that a bad body is a 400 whether or not the incident exists), if the
   * policy allows `permission` on it; else 403.
   */
  async function authorizeIncident<TBody = undefined>(
    req: Request,
    permission: ResourcePermission,
    parseBody?: () => TBody,
  ) {
    const { item, credentials } = await requestAuth.authorizeItem(
      req,
      permission,
      async () => ({
        body: parseBody?.() as TBody,
        incident: await incidents.get(req.params.id),
      }),
      ({ incident }) => incident.reference,
    );
    return { ...item, credentials };
  }

  router.post('/incidents', async (req, res) => {
    const credentials = await authorize(req, incidentCreatePermission);
    const body = parse(declareIncidentSchema, req.body, 'incident');
    res.status(201).json(await incidents.declare(body, actor(credentials)));
  });

  router.get('/incidents', async (req, res) => {
    const { filter } = await requestAuth.authorizeList(
      req,
      incidentReadPermission,
    );
    const query = parse(listIncidentsQuerySchema, req.query, 'query');
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
    const list: IncidentList = {
      items,
      totalCount,
      limit: query.limit,
      offset: query.offset,
    };
    res.json(list);
  });

  router.get('/incidents/:id', async (req, res) => {
    const { incident } = await authorizeIncident(req, incidentReadPermission);
    const latest = await jobs.latestForIncident(
      incident.id,
      MAX_JOBS_PER_INCIDENT,
    );
    res.json({ ...incident, jobs: latest.items, jobCount: latest.totalCount });
  });

  router.patch('/incidents/:id', async (req, res) => {
    const { incident, body, credentials } = await authorizeIncident(
      req,
      incidentUpdatePermission,
      () => parse(updateIncidentSchema, req.body, 'incident update'),
    );
    res.json(await incidents.update(incident.id, body, actor(credentials)));
  });

  router.post('/incidents/:id/transitions', async (req, res) => {
    const { incident, body, credentials } = await authorizeIncident(
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
    const { incident, body, credentials } = await authorizeIncident(
      req,
      incidentUpdatePermission,
      () => parse(roleChangeSchema, req.body, 'role change'),
    );
    res.json(await incidents.changeRole(incident.id, body, actor(credentials)));
  });

  router.post('/incidents/:id/notes', async (req, res) => {
    const { incident, body, credentials } = await authorizeIncident(
      req,
      incidentUpdatePermission,
      () => parse(noteSchema, req.body, 'note'),
    );
    res
      .status(201)
      .json(
        await incidents.addNote(incident.id, body.text, actor(credentials)),
      );
  });

  router.get('/incidents/:id/timeline', async (req, res) => {
    const { incident } = await authorizeIncident(req, incidentReadPermission);
    res.json({ items: await incidents.timeline(incident.id) });
  });

  return router;
}
