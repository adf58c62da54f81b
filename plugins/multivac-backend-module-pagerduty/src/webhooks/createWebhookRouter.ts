import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { PageUpdate, PageUpdateReceiver } from '@multivac/plugin-multivac-node';
import express from 'express';
import Router from 'express-promise-router';
import { describeZodError } from '@multivac/plugin-multivac-common';
import { z } from 'zod';
import { DEFAULT_ACCOUNT } from '../client/pagerDutyConfig';
import { NotifiedEvent, NotifiedEvents } from './PagerDutyInterruptions';
import { SIGNATURE_HEADER, verifySignature } from './verifySignature';
import { WebhookStore } from './WebhookStore';

/** Served at `/api/multivac/pagerduty/webhooks`. */
export const WEBHOOK_PATH = '/pagerduty/webhooks';

/** The v3 webhook events that change a page, and the page's new status. */
const PAGE_STATUS_BY_EVENT = new Map<string, PageUpdate['status']>([
  ['incident.acknowledged', 'acknowledged'],
  ['incident.resolved', 'resolved'],
]);

/**
 * The v3 webhook events in which PagerDuty notifies people: the incident's
 * assignees after the change (triggered; escalated; reassigned to other
 * users; delegated to another escalation policy; reopened; unacknowledged
 * when the acknowledgement timed out), or the user asked to respond.
 */
export const NOTIFYING_EVENTS: ReadonlySet<string> = new Set([
  'incident.triggered',
  'incident.escalated',
  'incident.reassigned',
  'incident.delegated',
  'incident.reopened',
  'incident.unacknowledged',
  'incident.responder.added',
]);
const RESPONDER_ADDED = 'incident.responder.added';

/** Default of `multivac.pagerDuty.webhookMaxEventAgeSeconds`. */
export const DEFAULT_MAX_EVENT_AGE_SECONDS = 300;

const webhookSchema = z.object({
  event: z.object({
    id: z.string().min(1).max(255),
    event_type: z.string(),
    occurred_at: z.string().datetime({ offset: true }),
    /** Who did it; `null` for changes PagerDuty made itself. */
    agent: z.object({ summary: z.string().optional() }).nullish(),
    /**
     * The incident for incident events: its `incident_key` is the dedup key
     * of the Events API alert that opened it (`null` for grouped incidents).
     */
    data: z.object({ incident_key: z.string().nullish() }),
  }),
});

const userReference = z.object({ id: z.string().min(1) });
/** What notifying incident events must say: which incident, who is assigned. */
const incidentNotifiedSchema = z.object({
  event: z.object({
    data: z.object({
      id: z.string().min(1),
      incident_key: z.string().nullish(),
      service: z.object({ id: z.string().min(1) }).nullish(),
      assignees: z.array(userReference),
    }),
  }),
});
/** `incident.responder.added`: a user, or an escalation policy, asked to help. */
const responderNotifiedSchema = z.object({
  event: z.object({
    data: z.object({
      incident: z.object({ id: z.string().min(1) }),
      user: userReference.nullish(),
    }),
  }),
});

/** A webhook subscription secret and the account it belongs to. */
export interface WebhookSecret {
  /** `default` for `multivac.pagerDuty.webhookSecrets`, else the account id. */
  account: string;
  secret: string;
}

/** How the webhook route reads `multivac.pagerDuty`. */
export interface WebhookConfig {
  secrets: WebhookSecret[];
  /** Events that occurred longer ago (or further ahead) are refused. */
  maxEventAgeSeconds: number;
}

/**
 * The secrets of the webhook subscriptions of every configured account, and
 * how old an event may be. Throws, naming the key, when one secret is given
 * to two accounts (which account signed would be unknown).
 */
export function webhookConfigFromConfig(config: Config): WebhookConfig {
  const pagerDuty = config.getConfig('multivac.pagerDuty');
  const secrets = new Map<string, string>();
  const add = (account: string, key: string, values: string[] = []) => {
    for (const secret of values) {
      const other = secrets.get(secret);
      if (other !== undefined && other !== account) {
        throw new Error(
          `${key}: a webhook secret of account '${other}' is also given to ` +
            `account '${account}'; each PagerDuty account has its own subscription secrets`,
        );
      }
      secrets.set(secret, account);
    }
  };
  add(
    DEFAULT_ACCOUNT,
    'multivac.pagerDuty.webhookSecrets',
    pagerDuty.getOptionalStringArray('webhookSecrets'),
  );
  (pagerDuty.getOptionalConfigArray('accounts') ?? []).forEach((account, i) =>
    add(
      account.getString('id'),
      `multivac.pagerDuty.accounts[${i}].webhookSecrets`,
      account.getOptionalStringArray('webhookSecrets'),
    ),
  );
  const maxEventAgeSeconds =
    pagerDuty.getOptionalNumber('webhookMaxEventAgeSeconds') ??
    DEFAULT_MAX_EVENT_AGE_SECONDS;
  if (!(maxEventAgeSeconds >= 1 && maxEventAgeSeconds <= 86_400)) {
    throw new Error(
      `multivac.pagerDuty.webhookMaxEventAgeSeconds must be between 1 and 86400, got ${maxEventAgeSeconds}`,
    );
  }
  return {
    secrets: [...secrets].map(([secret, account]) => ({ account, secret })),
    maxEventAgeSeconds,
  };
}

/**
 * `POST /pagerduty/webhooks`: PagerDuty v3 webhooks, signed with the secret
 * of their subscription. Acknowledging or resolving an incident in PagerDuty
 * is recorded on the Multivac page with the incident's key as dedup key.
 * Events in which PagerDuty notified people (NOTIFYING_EVENTS) are queued
 * as durable jobs for the interruptions ledger. Other events are answered
 * 2xx and ignored, since PagerDuty retries anything else.
 *
 * Replays have no effect: an event whose `occurred_at` is more than
 * `maxEventAgeSeconds` away from now is refused (400), an event id already
 * handled by any replica is answered `duplicate: true` and ignored, and a
 * page sent to one account cannot be changed with another account's secret
 * (403).
 */
export function createWebhookRouter(options: {
  /** None turns the route off: unsigned webhooks are never accepted. */
  config: WebhookConfig;
  pageUpdates: PageUpdateReceiver;
  /** Where the people PagerDuty notified are recorded, as durable jobs. */
  notified: NotifiedEvents;
  store: WebhookStore;
  logger: LoggerService;
}): express.Router {
  const { config, pageUpdates, notified, store, logger } = options;
  const { secrets, maxEventAgeSeconds } = config;
  const accountOf = new Map(secrets.map(s => [s.secret, s.account]));
  const accounts = new Set(accountOf.values());
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
      const account = accountOf.get(
        verifySignature(body, req.get(SIGNATURE_HEADER), [...accountOf.keys()]),
      )!;
      const { json, event } = parseWebhook(body);
      refuseStale(event.id, event.occurred_at, maxEventAgeSeconds);

      if (NOTIFYING_EVENTS.has(event.event_type)) {
        const notifiedEvent = parseNotified(json, event, account);
        if (notifiedEvent.userIds.length === 0) {
          logger.debug(
            `PagerDuty ${event.event_type} (event ${event.id}, incident ` +
              `${notifiedEvent.incidentId}) names no user: nobody to record as notified`,
          );
          res.json({ queued: false });
          return;
        }
        const key = notifiedEvent.incidentKey;
        const pageAccount = key && (await store.pageAccount(key));
        if (pageAccount && pageAccount !== account) {
          throw new NotAllowedError(
            `PagerDuty event ${event.id} is signed with a webhook secret of ` +
              `account '${account}', but its page was sent to account '${pageAccount}'`,
          );
        }
        if (!(await store.claimEvent(event.id, account))) {
          logger.info(
            `PagerDuty event ${event.id} was already handled: ignored as a redelivery or replay`,
          );
          res.json({ queued: false, duplicate: true });
          return;
        }
        try {
          await notified.enqueue(notifiedEvent);
        } catch (error) {
          // Not handled: PagerDuty's retry of this event must get through.
          await store.releaseEvent(event.id);
          throw error;
        }
        logger.info(
          `PagerDuty ${event.event_type} (event ${event.id}, account ${account}, ` +
            `incident ${notifiedEvent.incidentId}): ${notifiedEvent.userIds.length} ` +
            `notified, queued for the interruptions ledger`,
        );
        res.json({ queued: true });
        return;
      }

      const status = PAGE_STATUS_BY_EVENT.get(event.event_type);
      if (!status) {
        res.json({ ignored: event.event_type });
        return;
      }
      const dedupKey = event.data.incident_key;
      if (!dedupKey) {
        res.json({ recorded: false });
        return;
      }
      const pageAccount = await store.pageAccount(dedupKey);
      if (pageAccount !== undefined && pageAccount !== account) {
        throw new NotAllowedError(
          `PagerDuty event ${event.id} is signed with a webhook secret of ` +
            `account '${account}', but its page was sent to account '${pageAccount}'`,
        );
      }
      // With several accounts a page must be known to be this account's.
      if (pageAccount === undefined && accounts.size > 1) {
        logger.info(
          `PagerDuty ${event.event_type} (event ${event.id}) from account ` +
            `'${account}': no page of that account has incident key ${dedupKey}`,
        );
        res.json({ recorded: false });
        return;
      }
      if (!(await store.claimEvent(event.id, account))) {
        logger.info(
          `PagerDuty event ${event.id} was already handled: ignored as a redelivery or replay`,
        );
        res.json({ recorded: false, duplicate: true });
        return;
      }
      let recorded: boolean;
      try {
        recorded = await pageUpdates.record({
          dedupKey,
          status,
          by: event.agent?.summary,
          source: 'PagerDuty',
        });
      } catch (error) {
        // Not handled: PagerDuty's retry of this event must get through.
        await store.releaseEvent(event.id);
        throw error;
      }
      logger.info(
        `PagerDuty ${event.event_type} (event ${event.id}, account ` +
          `${account}, incident key ${dedupKey}): ${
            recorded ? 'recorded' : 'no such page'
          }`,
      );
      res.json({ recorded });
    },
  );
  return router;
}

/** 400 for an event that occurred too long ago (or claims to be from the future). */
function refuseStale(id: string, occurredAt: string, maxAgeSeconds: number) {
  const ageSeconds = (Date.now() - Date.parse(occurredAt)) / 1000;
  if (Math.abs(ageSeconds) > maxAgeSeconds) {
    throw new InputError(
      `PagerDuty event ${id} occurred at ${occurredAt}, more than ` +
        `${maxAgeSeconds} seconds from now: refused as a possible replay ` +
        `(multivac.pagerDuty.webhookMaxEventAgeSeconds)`,
    );
  }
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
  return { json, event: result.data.event };
}

/** Who a notifying event says PagerDuty notified; 400 naming the field. */
function parseNotified(
  json: unknown,
  event: z.infer<typeof webhookSchema>['event'],
  account: string,
): NotifiedEvent {
  const common = {
    eventId: event.id,
    eventType: event.event_type,
    account,
    occurredAt: event.occurred_at,
  };
  const fail = (error: z.ZodError) =>
    new InputError(
      `PagerDuty ${event.event_type} event ${event.id} does not say who was ` +
        `notified (${describeZodError(error)})`,
    );
  if (event.event_type === RESPONDER_ADDED) {
    const result = responderNotifiedSchema.safeParse(json);
    if (!result.success) {
      throw fail(result.error);
    }
    const { data } = result.data.event;
    return {
      ...common,
      incidentId: data.incident.id,
      userIds: data.user ? [data.user.id] : [],
    };
  }
  const result = incidentNotifiedSchema.safeParse(json);
  if (!result.success) {
    throw fail(result.error);
  }
  const { data } = result.data.event;
  return {
    ...common,
    incidentId: data.id,
    incidentKey: data.incident_key ?? undefined,
    serviceId: data.service?.id,
    userIds: data.assignees.map(a => a.id),
  };
}
