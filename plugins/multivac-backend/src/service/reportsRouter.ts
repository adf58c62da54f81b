import {
  incidentCreatePermission,
  listReportsQuerySchema,
  reportCreatePermission,
  reportReadPermission,
  reportRequestSchema,
} from '@multivac/plugin-multivac-common';
import express from 'express';
import Router from 'express-promise-router';
import { ReportService } from '../reports/ReportService';
import { CatalogEntities } from './CatalogEntities';
import { Caller, RequestAuth } from './RequestAuth';
import { checkIdParams, parseInput } from './validation';

/**
 * `POST /reports` and the create-triage-report action: files the report
 * (which pages the entity's on-call) if the caller may create reports.
 */
export async function submitReport(
  deps: {
    reports: ReportService;
    entities: CatalogEntities;
    requestAuth: RequestAuth;
  },
  caller: Caller,
  input: unknown,
) {
  const { reports, entities, requestAuth } = deps;
  const credentials = await requestAuth.authorize(
    caller,
    reportCreatePermission,
  );
  const body = parseInput(reportRequestSchema, input, 'report');
  const [entityRef] = await entities.requireExisting(
    [body.entityRef],
    credentials,
  );
  return reports.submit(
    { ...body, entityRef },
    requestAuth.actorOf(credentials),
  );
}

/** Triage reports (`/reports`) and turning them into incidents. */
export function createReportsRouter(options: {
  reports: ReportService;
  entities: CatalogEntities;
  requestAuth: RequestAuth;
}): express.Router {
  const { reports, entities, requestAuth } = options;
  const router = Router();
  checkIdParams(router, 'id');
  router.use(express.json({ limit: '1mb' }));

  router.get('/reports/rubric', async (req, res) => {
    await requestAuth.authorize(req, reportReadPermission);
    res.json({ rubric: reports.rubric });
  });

  router.post('/reports', async (req, res) => {
    res
      .status(201)
      .json(
        await submitReport({ reports, entities, requestAuth }, req, req.body),
      );
  });

  router.get('/reports', async (req, res) => {
    const credentials = await requestAuth.authorize(req, reportReadPermission);
    const { mine, ...query } = parseInput(
      listReportsQuerySchema,
      req.query,
      'query',
    );
    res.json(
      await reports.list({
        ...query,
        reportedBy: mine ? requestAuth.actorOf(credentials) : undefined,
      }),
    );
  });

  router.get('/reports/:id', async (req, res) => {
    await requestAuth.authorize(req, reportReadPermission);
    res.json(await reports.get(req.params.id));
  });

  router.post('/reports/:id/incident', async (req, res) => {
    const credentials = await requestAuth.authorize(
      req,
      incidentCreatePermission,
    );
    res
      .status(201)
      .json(
        await reports.startIncident(
          req.params.id,
          requestAuth.incidentActor(credentials),
        ),
      );
  });

  return router;
}
