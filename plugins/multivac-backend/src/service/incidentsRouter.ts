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
import express from 'express';
import Router from 'express-promise-router';
import { IncidentService } from '../incidents/IncidentService';
import { JobQueue } from '../jobs/JobQueue';
import { RequestAuth } from './RequestAuth';
import { checkIdParams, parseInput as parse } from './validation';

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

  router.post('/incidents', async (req, res) => {
    const credentials = await authorize(req, incidentCreatePermission);
    const body = parse(declareIncidentSchema, req.body, 'incident');
    res.status(201).json(await incidents.declare(body, actor(credentials)));
  });

  router.get('/incidents', async (req, res) => {
    await authorize(req, incidentReadPermission);
    const query = parse(listIncidentsQuerySchema, req.query, 'query');
    const statuses = query.status?.flatMap(s =>
      s === 'active' ? ACTIVE_INCIDENT_STATES : [s as IncidentStatus],
    );
    const { items, totalCount } = await incidents.list({
      entityRefs: query.entityRef,
      statuses,
      severities: query.severity,
      from: query.from,
      to: query.to,
      limit: query.limit,
      offset: query.offset,
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
    await authorize(req, incidentReadPermission);
    const incident = await incidents.get(req.params.id);
    res.json({ ...incident, jobs: await jobs.listForIncident(incident.id) });
  });

  router.patch('/incidents/:id', async (req, res) => {
    const credentials = await authorize(req, incidentUpdatePermission);
    const body = parse(updateIncidentSchema, req.body, 'incident update');
    res.json(await incidents.update(req.params.id, body, actor(credentials)));
  });

  router.post('/incidents/:id/transitions', async (req, res) => {
    const credentials = await authorize(req, incidentUpdatePermission);
    const body = parse(transitionSchema, req.body, 'transition');
    res.json(
      await incidents.transition(
        req.params.id,
        body.to,
        actor(credentials),
        body.note,
      ),
    );
  });

  router.post('/incidents/:id/roles', async (req, res) => {
    const credentials = await authorize(req, incidentUpdatePermission);
    const body = parse(roleChangeSchema, req.body, 'role change');
    res.json(
      await incidents.changeRole(req.params.id, body, actor(credentials)),
    );
  });

  router.post('/incidents/:id/notes', async (req, res) => {
    const credentials = await authorize(req, incidentUpdatePermission);
    const body = parse(noteSchema, req.body, 'note');
    res
      .status(201)
      .json(
        await incidents.addNote(req.params.id, body.text, actor(credentials)),
      );
  });

  router.get('/incidents/:id/timeline', async (req, res) => {
    await authorize(req, incidentReadPermission);
    res.json({ items: await incidents.timeline(req.params.id) });
  });

  return router;
}
