import { Config } from '@backstage/config';
import {
  PagingChannel,
  PagingDelivery,
  PagingDeliveryResult,
} from '@multivac/plugin-multivac-node';
import { createHmac } from 'node:crypto';

const CONFIG_KEY = 'multivac.paging.webhook';
const DEFAULT_TIMEOUT_SECONDS = 10;
const MAX_TIMEOUT_SECONDS = 60;
/** How much of a refusing answer is kept on the page. */
const MAX_ANSWER_EXCERPT = 200;

export const SIGNATURE_HEADER = 'x-multivac-signature';
export const TIMESTAMP_HEADER = 'x-multivac-timestamp';

export interface WebhookSettings {
  url: string;
  secret: string;
  timeoutMs: number;
}

/**
 * `multivac.paging.webhook`; undefined when it is not configured. A bad
 * value fails the start-up naming the key.
 */
export function readWebhookSettings(
  config: Config,
): WebhookSettings | undefined {
  const webhook = config.getOptionalConfig(CONFIG_KEY);
  if (!webhook) {
    return undefined;
  }
  const url = webhook.getString('url');
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
    throw new Error(`${CONFIG_KEY}.url must be an http(s) URL, got '${url}'`);
  }
  const secret = webhook.getString('secret');
  if (secret.length < 16) {
    throw new Error(`${CONFIG_KEY}.secret must be at least 16 characters long`);
  }
  const timeout =
    webhook.getOptionalNumber('timeoutSeconds') ?? DEFAULT_TIMEOUT_SECONDS;
  if (!(timeout > 0 && timeout <= MAX_TIMEOUT_SECONDS)) {
    throw new Error(
      `${CONFIG_KEY}.timeoutSeconds must be more than 0 and at most ${MAX_TIMEOUT_SECONDS}, got ${timeout}`,
    );
  }
  return { url, secret, timeoutMs: timeout * 1000 };
}

/** The signature a receiver recomputes: HMAC-SHA256 of `timestamp.body`. */
export function webhookSignature(
  secret: string,
  timestamp: string,
  body: string,
): string {
  return `sha256=${createHmac('sha256', secret)
    .update(`${timestamp}.${body}`)
    .digest('hex')}`;
}

/**
 * Pages people through an outbound webhook, e.g. an SMS or voice gateway:
 * a JSON POST with the page, the person (with their phone) and the signed
 * acknowledge link, signed with the shared secret. Any 2xx answer counts as
 * delivered.
 */
export class WebhookPagingChannel implements PagingChannel {
  readonly id = 'webhook';

  static fromConfig(config: Config): WebhookPagingChannel | undefined {
    const settings = readWebhookSettings(config);
    return settings && new WebhookPagingChannel(settings);
  }

  constructor(private readonly settings: WebhookSettings) {}

  async deliver(
    { page, person, acknowledgeUrl, deliveryId }: PagingDelivery,
    signal: AbortSignal,
  ): Promise<PagingDeliveryResult> {
    const { url, secret, timeoutMs } = this.settings;
    const body = JSON.stringify({
      type: 'page',
      deliveryId,
      page: {
        id: page.id,
        summary: page.summary,
        urgency: page.urgency,
        entityRef: page.entityRef,
        scheduleName: page.scheduleName,
        level: page.level,
        incidentId: page.incidentId,
        details: page.details,
        createdAt: page.createdAt,
      },
      person: {
        userRef: person.userRef,
        name: person.name,
        email: person.email,
        phone: person.phone,
      },
      acknowledgeUrl,
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
          'x-multivac-delivery': deliveryId,
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
    } catch (error) {
      return {
        status: 'failed',
        error: `the paging webhook did not answer: ${(error as Error).message}`,
      };
    }
    const answer = (await response.text().catch(() => '')).slice(
      0,
      MAX_ANSWER_EXCERPT,
    );
    if (!response.ok) {
      return {
        status: 'failed',
        error: `the paging webhook answered ${response.status}${
          answer ? `: ${answer}` : ''
        }`,
      };
    }
    return {
      status: 'delivered',
      detail: `accepted by the paging webhook (${response.status})`,
    };
  }
}
