import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { PageUpdate, PageUpdateReceiver } from '@multivac/plugin-multivac-node';
import express from 'express';
import Router from 'express-promise-router';
import { describeZodError } from '@multivac/plugin-multivac-common';
import { z } from 'zod';
import { SIGNATURE_HEADER, verifySignature } from './verifySignature';

/** Served at `/api/multivac/pagerduty/webhooks`. */
export const WEBHOOK_PATH = '/pagerduty/webhooks';

/** The v3 webhook events that change a page, and the page's new status. */
const PAGE_STATUS_BY_EVENT = new Map<string, PageUpdate['status']>([
  ['incident.acknowledged', 'acknowledged'],
  ['incident.resolved', 'resolved'],
]);

const webhookSchema = z.object({
  event: z.object({
    id: z.string(),
    event_type: z.string(),
    /** Who did it; `null` for changes PagerDuty made itself. */
    agent: z.object({ summary: z.string().optional() }).nullish(),
    /**
     * The incident for incident events: its `incident_key` is the dedup key
     * of the Events API alert that opened it (`null` for grouped incidents).
     */
    data: z.object({ incident_key: z.string().nullish() }),
  }),
});

/** The secrets of the webhook subscriptions of every configured account. */
export function webhookSecretsFromConfig(config: Config): string[] {
  const pagerDuty = config.getConfig('multivac.pagerDuty');
  const secrets = [
    ...(pagerDuty.getOptionalStringArray('webhookSecrets') ?? []),
    ...(pagerDuty.getOptionalConfigArray('accounts') ?? []).flatMap(
      account => account.getOptionalStringArray('webhookSecrets') ?? [],
    ),
  ];
  return [...new Set(secrets)];
}

/**
 * `POST /pagerduty/webhooks`: PagerDuty v3 webhooks, signed with the secret
 * of their subscription. Acknowledging or resolving an incident in PagerDuty
 * is recorded on the Multivac page with the incident's key as dedup key.
 * Other events are answered 2xx and ignored, since PagerDuty retries
 * anything else.
 */
export function createWebhookRouter(options: {
  /** None turns the route off: unsigned webhooks are never accepted. */
  secrets: readonly string[];
  pageUpdates: PageUpdateReceiver;
  logger: LoggerService;
}): express.Router {
  const { secrets, pageUpdates, logger } = options;
  const router = Router();

  // The body is read raw on this route only: the signature is over the exact
  // bytes PagerDuty sent, and the plugin's other routes parse JSON.
  router.post(
    WEBHOOK_PATH,
    express.raw({ type: '*/*', limit: '1mb' }),
    async (req, res) => {
      if (secrets.length === 0) {
        throw new ServiceUnavailableError(
          'PagerDuty webhooks are off: no webhook secret is configured ' +
            '(multivac.pagerDuty.webhookSecrets or accounts[].webhookSecrets)',
        );
      }
      // Without a body express.raw leaves no Buffer; nothing is signed then.
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      verifySignature(body, req.get(SIGNATURE_HEADER), secrets);
      const { event } = parseWebhook(body);

      const status = PAGE_STATUS_BY_EVENT.get(event.event_type);
      if (!status) {
        res.json({ ignored: event.event_type });
        return;
      }
      const dedupKey = event.data.incident_key;
      const recorded =
        !!dedupKey &&
        (await pageUpdates.record({
          dedupKey,
          status,
          by: event.agent?.summary,
          source: 'PagerDuty',
        }));
      logger.info(
        `PagerDuty ${event.event_type} (event ${event.id}, incident key ` +
          `${dedupKey ?? 'none'}): ${recorded ? 'recorded' : 'no such page'}`,
      );
      res.json({ recorded });
    },
  );
  return router;
}

function parseWebhook(body: Buffer) {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InputError('PagerDuty webhook body is not JSON');
  }
  const result = webhookSchema.safeParse(json);
  if (!result.success) {
    throw new InputError(
      `PagerDuty webhook body is not a v3 webhook event (${describeZodError(
        result.error,
      )})`,
    );
  }
  return result.data;
}
