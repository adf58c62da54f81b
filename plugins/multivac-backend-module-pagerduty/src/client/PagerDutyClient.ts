/*
 * A small typed PagerDuty client over global fetch. The official
 * @pagerduty/pdjs is not used: it hard-codes `https://<host>` for the Events
 * API and finds resource names with a `.com/` regex, so it cannot talk to a
 * configurable base URL (a plain-http proxy, the fake PagerDuty in tests).
 */
import { Config } from '@backstage/config';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { z } from 'zod';
import { TtlCache } from './cache';

/** The account of the top-level `multivac.pagerDuty.apiToken`. */
export const DEFAULT_ACCOUNT = 'default';

const DEFAULT_API_BASE_URL = 'https://api.pagerduty.com';
const DEFAULT_EVENTS_BASE_URL = 'https://events.pagerduty.com';
const DEFAULT_CACHE_TTL_SECONDS = 60;
const REST_ACCEPT = 'application/vnd.pagerduty+json;version=2';
const PAGE_SIZE = 100;
const REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RETRIES = 3;
/** Used when a 429 comes without a usable `Retry-After`. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;
/** A longer `Retry-After` fails at once instead of holding the caller. */
const MAX_RETRY_AFTER_SECONDS = 30;

const reference = z.object({ id: z.string(), summary: z.string().optional() });

const serviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  html_url: z.string().nullish(),
  escalation_policy: reference,
});

const escalationPolicySchema = z.object({
  id: z.string(),
  name: z.string(),
  html_url: z.string().nullish(),
  escalation_rules: z.array(
    z.object({ escalation_delay_in_minutes: z.number() }),
  ),
});

const dateTime = z.string().datetime({ offset: true });

const onCallSchema = z.object({
  user: reference,
  escalation_policy: reference,
  escalation_level: z.number(),
  /** `null` for a permanent on-call (a user targeted directly). */
  start: dateTime.nullable(),
  /** `null` when the user does not go off call. */
  end: dateTime.nullable(),
});

const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().optional(),
  contact_methods: z
    .array(
      z.object({
        type: z.string(),
        address: z.string().optional(),
        country_code: z.number().optional(),
      }),
    )
    .default([]),
});

const serviceBodySchema = z.object({ service: serviceSchema });
const escalationPolicyBodySchema = z.object({
  escalation_policy: escalationPolicySchema,
});
const onCallsPageSchema = z.object({
  oncalls: z.array(onCallSchema),
  more: z.boolean().nullish(),
});
const userBodySchema = z.object({ user: userSchema });

const eventResultSchema = z.object({
  status: z.string(),
  message: z.string().optional(),
  dedup_key: z.string().optional(),
});

/** REST errors are `{ error: {...} }`, Events API errors are top level. */
const errorDetails = z.object({
  message: z.string().optional(),
  errors: z.array(z.string()).optional(),
});
const errorBodySchema = errorDetails.extend({
  error: errorDetails.optional(),
});

export type PagerDutyService = z.infer<typeof serviceSchema>;
export type PagerDutyEscalationPolicy = z.infer<typeof escalationPolicySchema>;
export type PagerDutyOnCall = z.infer<typeof onCallSchema>;
export type PagerDutyUser = z.infer<typeof userSchema>;
export type PagerDutyEventResult = z.infer<typeof eventResultSchema>;

/** An Events API v2 event; the client adds the `routing_key`. */
export interface PagerDutyEvent {
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  /** Required for `trigger`. */
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    custom_details?: Record<string, unknown>;
  };
  links?: Array<{ href: string; text?: string }>;
}

export interface PagerDutyAccount {
  /** `default`, or the `pagerduty.com/account` value that selects it. */
  id: string;
  apiToken: string;
  apiBaseUrl: string;
  eventsBaseUrl: string;
}

export interface PagerDutyClientOptions {
  /** GET answers; keys start with the account id, so accounts may share it. */
  cache?: TtlCache;
  /** Retries after a 429 before failing. Default 3. */
  maxRetries?: number;
  /** How to wait out a `Retry-After`; tests replace it. */
  sleep?: (ms: number) => Promise<void>;
}

type Query = Array<[string, string]>;

/** One PagerDuty account: REST API (cached GETs) and Events API v2. */
export class PagerDutyClient {
  /** Requests sent to PagerDuty, retries included; cache hits send none. */
  readonly stats = { upstreamCalls: 0 };
  private readonly cache: TtlCache;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  /**
   * One client per account in `multivac.pagerDuty`, keyed by account id (the
   * top-level token is `default`). They share one cache.
   */
  static fromConfig(
    config: Config,
    options: Omit<PagerDutyClientOptions, 'cache'> & {
      now?: () => number;
    } = {},
  ): Map<string, PagerDutyClient> {
    const pagerDuty = config.getConfig('multivac.pagerDuty');
    const apiBaseUrl = readUrl(pagerDuty, 'apiBaseUrl', DEFAULT_API_BASE_URL);
    const eventsBaseUrl = readUrl(
      pagerDuty,
      'eventsBaseUrl',
      DEFAULT_EVENTS_BASE_URL,
    );
    const ttlSeconds =
      pagerDuty.getOptionalNumber('cacheTtlSeconds') ??
      DEFAULT_CACHE_TTL_SECONDS;
    const cache = new TtlCache(ttlSeconds * 1000, options.now);

    const accounts: PagerDutyAccount[] = [
      {
        id: DEFAULT_ACCOUNT,
        apiToken: pagerDuty.getString('apiToken'),
        apiBaseUrl,
        eventsBaseUrl,
      },
      ...(pagerDuty.getOptionalConfigArray('accounts') ?? []).map(account => ({
        id: account.getString('id'),
        apiToken: account.getString('apiToken'),
        apiBaseUrl: readUrl(account, 'apiBaseUrl', apiBaseUrl),
        eventsBaseUrl: readUrl(account, 'eventsBaseUrl', eventsBaseUrl),
      })),
    ];
    const clients = new Map<string, PagerDutyClient>();
    for (const account of accounts) {
      if (clients.has(account.id)) {
        throw new InputError(
          `multivac.pagerDuty.accounts: id '${account.id}' is used more than once ` +
            `('${DEFAULT_ACCOUNT}' is the top-level apiToken)`,
        );
      }
      clients.set(
        account.id,
        new PagerDutyClient(account, { ...options, cache }),
      );
    }
    return clients;
  }

  constructor(
    readonly account: PagerDutyAccount,
    options: PagerDutyClientOptions = {},
  ) {
    this.cache =
      options.cache ?? new TtlCache(DEFAULT_CACHE_TTL_SECONDS * 1000);
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  async getService(id: string): Promise<PagerDutyService> {
    const body = await this.get(
      `/services/${encodeURIComponent(id)}`,
      [],
      serviceBodySchema,
    );
    return body.service;
  }

  async getEscalationPolicy(id: string): Promise<PagerDutyEscalationPolicy> {
    const body = await this.get(
      `/escalation_policies/${encodeURIComponent(id)}`,
      [],
      escalationPolicyBodySchema,
    );
    return body.escalation_policy;
  }

  /** Every on-call overlapping `since`..`until` (PagerDuty: now), all pages. */
  async listOnCalls(filter: {
    escalationPolicyIds: string[];
    since?: Date;
    until?: Date;
  }): Promise<PagerDutyOnCall[]> {
    const query: Query = filter.escalationPolicyIds.map(id => [
      'escalation_policy_ids[]',
      id,
    ]);
    if (filter.since) {
      query.push(['since', filter.since.toISOString()]);
    }
    if (filter.until) {
      query.push(['until', filter.until.toISOString()]);
    }
    query.push(['limit', String(PAGE_SIZE)]);
    const onCalls: PagerDutyOnCall[] = [];
    for (;;) {
      const page = await this.get(
        '/oncalls',
        [...query, ['offset', String(onCalls.length)]],
        onCallsPageSchema,
      );
      onCalls.push(...page.oncalls);
      if (!page.more || page.oncalls.length === 0) {
        return onCalls;
      }
    }
  }

  /** The user with their contact methods (phone numbers). */
  async getUser(id: string): Promise<PagerDutyUser> {
    const body = await this.get(
      `/users/${encodeURIComponent(id)}`,
      [['include[]', 'contact_methods']],
      userBodySchema,
    );
    return body.user;
  }

  /** Sends an event to Events API v2; `routingKey` is the integration key. */
  async sendEvent(
    routingKey: string,
    event: PagerDutyEvent,
  ): Promise<PagerDutyEventResult> {
    const call = `POST /v2/enqueue (${event.event_action})`;
    const body = await this.send(
      call,
      joinUrl(this.account.eventsBaseUrl, '/v2/enqueue'),
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ routing_key: routingKey, ...event }),
      },
    );
    return parseAnswer(call, eventResultSchema, body);
  }

  private get<T extends z.ZodTypeAny>(
    path: string,
    query: Query,
    schema: T,
  ): Promise<z.infer<T>> {
    const url = joinUrl(this.account.apiBaseUrl, path, query);
    const call = `GET ${path}`;
    return this.cache.getOrLoad(`${this.account.id} ${url}`, async () => {
      const body = await this.send(call, url, {
        method: 'GET',
        headers: {
          Authorization: `Token token=${this.account.apiToken}`,
          Accept: REST_ACCEPT,
          'Content-Type': 'application/json',
        },
      });
      return parseAnswer(call, schema, body);
    });
  }

  /** Sends the request, waiting out 429s; returns the parsed JSON body. */
  private async send(
    call: string,
    url: string,
    init: RequestInit,
  ): Promise<unknown> {
    for (let retries = 0; ; retries++) {
      this.stats.upstreamCalls++;
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          ...init,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        text = await response.text();
      } catch (error) {
        throw new ServiceUnavailableError(`PagerDuty ${call} failed`, error);
      }
      if (response.status !== 429) {
        return this.bodyOrThrow(call, response.status, text);
      }
      const waitSeconds = retryAfterSeconds(
        response.headers.get('retry-after'),
      );
      if (retries >= this.maxRetries || waitSeconds > MAX_RETRY_AFTER_SECONDS) {
        throw new ServiceUnavailableError(
          `PagerDuty ${call} is rate limited: 429 Too Many Requests after ` +
            `${retries} ${retries === 1 ? 'retry' : 'retries'}, ` +
            `Retry-After ${waitSeconds}s; try again later`,
        );
      }
      await this.sleep(waitSeconds * 1000);
    }
  }

  private bodyOrThrow(call: string, status: number, text: string): unknown {
    const body = parseJson(text);
    if (status >= 200 && status < 300) {
      return body;
    }
    const parsed = errorBodySchema.safeParse(body);
    const details = parsed.success
      ? parsed.data.error ?? parsed.data
      : { message: text.slice(0, 200) };
    const reason = [details.message, ...(details.errors ?? [])]
      .filter(Boolean)
      .join('; ');
    const message = `PagerDuty ${call} answered ${status}${
      reason ? `: ${reason}` : ''
    }`;
    const checkToken = `; check the apiToken of PagerDuty account '${this.account.id}'`;
    switch (status) {
      case 400:
        throw new InputError(message);
      case 401:
        throw new AuthenticationError(message + checkToken);
      case 403:
        throw new NotAllowedError(message + checkToken);
      case 404:
        throw new NotFoundError(message);
      default:
        throw new ServiceUnavailableError(message);
    }
  }
}

function parseAnswer<T extends z.ZodTypeAny>(
  call: string,
  schema: T,
  body: unknown,
): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues
      .map(issue => `${issue.path.join('.') || 'body'}: ${issue.message}`)
      .join(', ');
    throw new ServiceUnavailableError(
      `PagerDuty ${call} answered an unexpected body (${problems})`,
    );
  }
  return result.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function retryAfterSeconds(header: string | null): number {
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds >= 0
    ? seconds
    : DEFAULT_RETRY_AFTER_SECONDS;
}

function joinUrl(base: string, path: string, query: Query = []): string {
  const url = new URL(base + path);
  for (const [key, value] of query) {
    url.searchParams.append(key, value);
  }
  return url.toString();
}

/** An absolute URL without trailing slashes, so paths can be appended. */
function readUrl(config: Config, key: string, fallback: string): string {
  const value = config.getOptionalString(key) ?? fallback;
  if (!URL.canParse(value)) {
    throw new InputError(
      `PagerDuty ${key} '${value}' in multivac.pagerDuty is not an absolute URL`,
    );
  }
  return value.replace(/\/+$/, '');
}
