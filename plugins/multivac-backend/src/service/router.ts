import { NotFoundError } from '@backstage/errors';
import {
  declareIncidentSchema,
  Incident,
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
import { IncidentStore } from '../database/IncidentStore';
import { JobQueue } from '../jobs/JobQueue';
import { CatalogEntities } from './CatalogEntities';
import { RequestAuth } from './RequestAuth';
import { parseInput as parse } from './validation';

export interface RouterOptions {
  store: IncidentStore;
  jobs: JobQueue;
  entities: CatalogEntities;
  requestAuth: RequestAuth;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, jobs, entities, requestAuth } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  const authorize = requestAuth.authorize.bind(requestAuth);
  const actorOf = requestAuth.actorOf.bind(requestAuth);

  async function findIncident(idOrReference: string): Promise<Incident> {
    const incident = await store.getIncident(idOrReference);
    if (!incident) {
      throw new NotFoundError(`No incident ${idOrReference}`);
    }
    return incident;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.post('/incidents', async (req, res) => {
    const credentials = await authorize(req, incidentCreatePermission);
    const body = parse(declareIncidentSchema, req.body, 'incident');
    const entityRefs = await entities.requireExisting(
      body.entityRefs,
      credentials,
    );
    const actor = actorOf(credentials);
    const incident = await store.createIncident(
      { ...body, entityRefs },
      actor,
      {
        roles: requestAuth.isUser(credentials)
          ? [{ role: 'controller', userRef: actor }]
          : [],
      },
    );
    res.status(201).json(incident);
  });

  router.get('/incidents', async (req, res) => {
    await authorize(req, incidentReadPermission);
    const query = parse(listIncidentsQuerySchema, req.query, 'query');
    const statuses = query.status?.flatMap(s =>
      s === 'active' ? ACTIVE_INCIDENT_STATES : [s as IncidentStatus],
    );
    const { items, totalCount } = await store.listIncidents({
      entityRefs: query.entityRef
        ? await entities.withOwnedAndContained(query.entityRef)
        : undefined,
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
    const incident = await findIncident(req.params.id);
    res.json({ ...incident, jobs: await jobs.listForIncident(incident.id) });
  });

  router.patch('/incidents/:id', async (req, res) => {
    const credentials = await authorize(req, incidentUpdatePermission);
    const body = parse(updateIncidentSchema, req.body, 'incident update');
    const incident = await findIncident(req.params.id);
    const entityRefs = body.entityRefs
      ? await entities.requireExisting(body.entityRefs, credentials)
      : undefined;
    res.json(
      await store.updateIncident(
        incident.id,
        { ...body, entityRefs },
        actorOf(credentials),
      ),
    );
  });

  router.post('/incidents/:id/transitions', async (req, res) => {
    const credentials = await authorize(req, incidentUpdatePermission);
    const body = parse(transitionSchema, req.body, 'transition');
    const incident = await findIncident(req.params.id);
    res.json(
      await store.transitionIncident(
        incident.id,
        body.to,
        actorOf(credentials),
        body.note,
      ),
    );
  });

  router.post('/incidents/:id/roles', async (req, res) => {
    const credentials = await authorize(req, incidentUpdatePermission);
    const body = parse(roleChangeSchema, req.body, 'role change');
    const incident = await findIncident(req.params.id);
    const [userRef] = await entities.requireExisting(
      [body.userRef.includes(':') ? body.userRef : `user:${body.userRef}`],
      credentials,
    );
    res.json(
      await store.changeRole(
        incident.id,
        { ...body, userRef },
        actorOf(credentials),
      ),
    );
  });

  router.post('/incidents/:id/notes', async (req, res) => {
    const credentials = await authorize(req, incidentUpdatePermission);
    const body = parse(noteSchema, req.body, 'note');
    const incident = await findIncident(req.params.id);
    res
      .status(201)
      .json(await store.addNote(incident.id, body.text, actorOf(credentials)));
  });

  router.get('/incidents/:id/timeline', async (req, res) => {
    await authorize(req, incidentReadPermission);
    const incident = await findIncident(req.params.id);
    res.json({ items: await store.getTimeline(incident.id) });
  });

  return router;
}
