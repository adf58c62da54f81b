import { DiscoveryService, LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError } from '@backstage/errors';
import {
  alertReadPermission,
  alertUpdatePermission,
  createAlertIntegrationRequestSchema,
  incidentCreatePermission,
  pageAcknowledgePermission,
  integrationManagePermission,
  listAlertsQuerySchema,
  rotateAlertIntegrationSecretRequestSchema,
} from '@multivac/plugin-multivac-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { CatalogEntities } from '../service/CatalogEntities';
import { RequestAuth } from '../service/RequestAuth';
import { checkIdParams, parseInput } from '../service/validation';
import { AlertService } from './AlertService';

/** Where monitoring tools deliver alerts; signed by the integration, not signed in. */
export const ALERT_INGEST_PATH = '/alerts/integrations';

const previewSchema = z.union([
  /** A delivery as the vendor sends it. */
  z.object({ payload: z.record(z.unknown()) }),
  /** The integration's last N deliveries. */
  z.object({ last: z.number().int().min(1).max(100) }),
]);

const startIncidentSchema = z.object({
  title: z.string().min(1).max(200).optional(),
  severity: z.enum(['SEV1', 'SEV2', 'SEV3', 'SEV4']).optional(),
});

/** Largest delivery accepted (413 above). */
export const ALERT_BODY_LIMIT = '1mb';

/**
 * `POST /alerts/integrations/:id` (a monitoring tool's delivery,
 * authenticated by the integration's secret or signature; 202 once stored),
 * the integrations' admin routes (`multivac.integration.manage`),
 * `GET /alerts` and `GET /alerts/groups/:id` (permission-checked).
 *
 * Mount it before any router that parses JSON bodies: the signature is
 * computed over the raw body.
 */
export function createAlertsRouter(options: {
  alerts: AlertService;
  entities: CatalogEntities;
  requestAuth: RequestAuth;
  logger: LoggerService;
  discovery: DiscoveryService;
}): express.Router {
  const { alerts, entities, requestAuth, logger, discovery } = options;
  const router = Router();
  // An integration's or group's id: a NUL byte is a 400, not a database error.
  checkIdParams(router, 'id');
  const jsonBody = express.json({ limit: '64kb' });

  router.post(
    `${ALERT_INGEST_PATH}/:id`,
    express.raw({ type: () => true, limit: ALERT_BODY_LIMIT }),
    async (req, res) => {
      const body: Buffer = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.alloc(0);
      const { integration, verdict } = await alerts.authenticate(
        req.params.id,
        req.headers,
        body,
      );
      if (!verdict.ok) {
        logger.warn(
          `Refused an alert delivery to integration ${integration.id} from ${req.ip}: ${verdict.reason}`,
        );
        throw new AuthenticationError(
          'Not signed by a secret of this integration',
        );
      }
      try {
        const result = await alerts.receive(integration, parseJson(body));
        res.status(202).json(result);
      } catch (error) {
        if (error instanceof InputError) {
          // What the sender sent, quoted or kept, without what neither
          // database nor JSON text can hold (NUL bytes, lone surrogates).
          const message = storableText(error.message);
          const id = await alerts.deadLetter({
            integrationId: integration.id,
            error: message,
            contentType: storableText(
              req.headers['content-type']?.slice(0, 200),
            ),
            body: storableText(body.toString('utf8')),
          });
          logger.warn(
            `Alert delivery to integration ${integration.id} kept as dead letter ${id}: ${message}`,
          );
          throw message === error.message ? error : new InputError(message);
        }
        throw error;
      }
    },
  );

  // Signed in, unlike the delivery: where a sample payload would go.
  router.post(
    `${ALERT_INGEST_PATH}/:id/preview`,
    express.json({ limit: ALERT_BODY_LIMIT }),
    async (req, res) => {
      const credentials = await requestAuth.authorize(
        req,
        integrationManagePermission,
      );
      const sample = parseInput(previewSchema, req.body, 'preview');
      res.json({
        items: await alerts.preview(req.params.id, sample, credentials),
      });
    },
  );

  router.get(ALERT_INGEST_PATH, async (req, res) => {
    await requestAuth.authorize(req, integrationManagePermission);
    res.json({
      items: await alerts.listIntegrations(
        await discovery.getExternalBaseUrl('multivac'),
      ),
    });
  });

  // The secret is in the answer and nowhere else (stored hashed).
  router.post(ALERT_INGEST_PATH, jsonBody, async (req, res) => {
    const credentials = await requestAuth.authorize(
      req,
      integrationManagePermission,
    );
    const input = parseInput(
      createAlertIntegrationRequestSchema,
      req.body,
      'integration',
    );
    if (input.defaultEntityRef) {
      [input.defaultEntityRef] = await entities.requireExisting(
        [input.defaultEntityRef],
        credentials,
        'defaultEntityRef',
      );
    }
    res
      .status(201)
      .json(
        await alerts.createIntegration(
          input,
          requestAuth.actorOf(credentials),
          await discovery.getExternalBaseUrl('multivac'),
        ),
      );
  });

  router.post(
    `${ALERT_INGEST_PATH}/:id/rotate-secret`,
    jsonBody,
    async (req, res) => {
      await requestAuth.authorize(req, integrationManagePermission);
      const { graceMinutes } = parseInput(
        rotateAlertIntegrationSecretRequestSchema,
        req.body ?? {},
        'rotation',
      );
      res.json(
        await alerts.rotateIntegrationSecret(
          req.params.id,
          graceMinutes,
          await discovery.getExternalBaseUrl('multivac'),
        ),
      );
    },
  );

  router.delete(`${ALERT_INGEST_PATH}/:id`, async (req, res) => {
    await requestAuth.authorize(req, integrationManagePermission);
    await alerts.deleteIntegration(req.params.id);
    res.status(204).end();
  });

  router.get('/alerts', async (req, res) => {
    await requestAuth.authorize(req, alertReadPermission);
    const query = parseInput(listAlertsQuerySchema, req.query, 'query');
    res.json(
      await alerts.list({
        status: query.status,
        urgency: query.urgency,
        entityRefs: query.entityRef
          ? await entities.withOwnedAndContained([query.entityRef])
          : undefined,
        integrationId: query.integration,
        limit: query.limit,
        offset: query.offset,
      }),
    );
  });

  router.get('/alerts/groups/:id', async (req, res) => {
    await requestAuth.authorize(req, alertReadPermission);
    res.json(await alerts.getGroup(req.params.id));
  });

  router.post('/alerts/groups/:id/incident', jsonBody, async (req, res) => {
    await requestAuth.authorize(req, alertUpdatePermission);
    const credentials = await requestAuth.authorize(
      req,
      incidentCreatePermission,
    );
    const input = parseInput(startIncidentSchema, req.body, 'incident');
    res
      .status(201)
      .json(
        await alerts.startIncident(
          req.params.id,
          requestAuth.incidentActor(credentials),
          input,
        ),
      );
  });

  // Acknowledging a group acknowledges its page: the page's permission too.
  router.post('/alerts/groups/:id/acknowledge', jsonBody, async (req, res) => {
    await requestAuth.authorize(req, alertUpdatePermission);
    const { item: group, credentials } = await requestAuth.authorizeItem(
      req,
      pageAcknowledgePermission,
      () => alerts.pagedGroup(req.params.id),
      found => found.pageId,
    );
    res.json(
      await alerts.acknowledge(group.id, requestAuth.actorOf(credentials)),
    );
  });

  // Payloads no adapter could read, kept 7 days: for the admins.
  router.get('/alerts/dead-letters', async (req, res) => {
    await requestAuth.authorize(req, alertUpdatePermission);
    res.json({ items: await alerts.listDeadLetters(100) });
  });

  return router;
}

/** NUL bytes and lone surrogates (a JSON error can quote half a pair) as U+FFFD. */
function storableText(text: string): string;
function storableText(text: string | undefined): string | undefined;
function storableText(text: string | undefined): string | undefined {
  return text
    ?.replace(/\0/g, '\uFFFD')
    .replace(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    );
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) {
    throw new InputError('Empty body: expected a JSON payload');
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new InputError(`Body is not JSON: ${(error as Error).message}`);
  }
}
