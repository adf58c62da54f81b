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
  isError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { describeZodError } from '@multivac/plugin-multivac-common';
import { fetchFromVendor, parseJsonBody } from '@multivac/plugin-multivac-node';
import { z } from 'zod';
import { TtlCache } from './cache';
import { OAuthToken } from './oauthToken';

/** The account of the top-level credentials in `multivac.pagerDuty`. */
export const DEFAULT_ACCOUNT = 'default';

const DEFAULT_API_BASE_URL = 'https://api.pagerduty.com';
const DEFAULT_EVENTS_BASE_URL = 'https://events.pagerduty.com';
const DEFAULT_TOKEN_URL = 'https://identity.pagerduty.com/oauth/token';
/** What the module reads and writes; `incidents.read` finds incidents by key. */
const DEFAULT_OAUTH_SCOPES =
  'services.read escalation_policies.read schedules.read users.read ' +
  'users:contact_methods.read oncalls.read incidents.read incidents.write';
const OAUTH_REGIONS = ['us', 'eu'] as const;
const DEFAULT_CACHE_TTL_SECONDS = 60;
const REST_ACCEPT = 'application/vnd.pagerduty+json;version=2';
/** The most PagerDuty returns per page. */
const PAGE_SIZE = 100;
/** PagerDuty answers 400 to a page whose `offset + limit` exceeds this. */
const MAX_LISTED_RECORDS = 10_000;
/** Events API v2 limit on `payload.summary`. */
const SUMMARY_MAX_LENGTH = 1024;
const DEFAULT_MAX_RETRIES = 3;

const reference = z.object({ id: z.string(), summary: z.string().optional() });

const escalationPolicySchema = z.object({
  id: z.string(),
  name: z.string(),
  html_url: z.string().nullish(),
  escalation_rules: z.array(
    z.object({ escalation_delay_in_minutes: z.number() }),
  ),
});

/** As read with `include[]=escalation_policies`: the whole policy inline. */
const serviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  html_url: z.string().nullish(),
  escalation_policy: escalationPolicySchema,
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
const userBodySchema = z.object({ user: userSchema });
/** Classic pagination: `more` tells whether another page follows. */
const pageSchema = z.object({ more: z.boolean().nullish() });
const servicesPageSchema = pageSchema.extend({
  services: z.array(serviceSchema),
});
const onCallsPageSchema = pageSchema.extend({ oncalls: z.array(onCallSchema) });
const usersPageSchema = pageSchema.extend({ users: z.array(userSchema) });

const incidentSchema = z.object({
  id: z.string(),
  incident_number: z.number().optional(),
  title: z.string(),
  status: z.enum(['triggered', 'acknowledged', 'resolved']),
  /** `null` for incidents grouped from several alerts. */
  incident_key: z.string().nullish(),
  urgency: z.enum(['high', 'low']).optional(),
  html_url: z.string().nullish(),
  service: reference,
});
const incidentBodySchema = z.object({ incident: incidentSchema });
const incidentsPageSchema = z.object({ incidents: z.array(incidentSchema) });

const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().positive(),
});

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
/** The token endpoint answers with standard OAuth errors. */
const oauthErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

export type PagerDutyService = z.infer<typeof serviceSchema>;
export type PagerDutyEscalationPolicy = z.infer<typeof escalationPolicySchema>;
export type PagerDutyOnCall = z.infer<typeof onCallSchema>;
export type PagerDutyUser = z.infer<typeof userSchema>;
export type PagerDutyEventResult = z.infer<typeof eventResultSchema>;
export type PagerDutyIncident = z.infer<typeof incidentSchema>;

/** An incident to open through the REST API (`POST /incidents`). */
export interface PagerDutyIncidentRequest {
  serviceId: string;
  title: string;
  urgency: 'high' | 'low';
  /** Details shown on the incident. */
  body?: string;
  /** Rejected by PagerDuty while an open incident of the service has it. */
  incidentKey?: string;
  /** Instead of the service's escalation policy. */
  escalationPolicyId?: string;
  /** PagerDuty users to assign it to, instead of any escalation policy. */
  assigneeIds?: string[];
}

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

/**
 * An Events API v2 change event (`POST /v2/change/enqueue`): something that
 * changed, shown next to the service's incidents; it opens no incident and
 * notifies nobody. The client adds the `routing_key`.
 */
export interface PagerDutyChangeEvent {
  payload: {
    summary: string;
    /** When the change happened (ISO 8601); PagerDuty's receipt time without it. */
    timestamp?: string;
    source?: string;
    custom_details?: Record<string, unknown>;
  };
  links?: Array<{ href: string; text?: string }>;
}

/** Scoped OAuth client credentials of a PagerDuty app. */
export interface PagerDutyOAuth {
  clientId: string;
  clientSecret: string;
  /** Service region of the account, the `<region>` of `as_account-`. */
  region: (typeof OAUTH_REGIONS)[number];
  /** The account's `<subdomain>.pagerduty.com`. */
  subdomain: string;
  /** Space-separated scopes, without the `as_account-` one. */
  scopes: string;
  tokenUrl: string;
}

/** An account authenticates with either an API token or an OAuth client. */
export type PagerDutyAccount = {
  /** `default`, or the `pagerduty.com/account` value that selects it. */
  id: string;
  apiBaseUrl: string;
  eventsBaseUrl: string;
  /** Email of the PagerDuty user sent as `From` when changing incidents. */
  fromEmail?: string;
  /**
   * Service on which incidents paging one person are opened when the page
   * is not about an entity with a service of this account.
   */
  directPageServiceId?: string;
} & (
  | { apiToken: string; oauth?: undefined }
  | { oauth: PagerDutyOAuth; apiToken?: undefined }
);

export interface PagerDutyClientOptions {
  /** GET answers; keys start with the account id, so accounts may share it. */
  cache?: TtlCache;
  /** Retries after a 429 before failing. Default 3. */
  maxRetries?: number;
  /** How to wait out a `Retry-After`; tests replace it. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock of the cache and OAuth token expiry; tests replace it. */
  now?: () => number;
}

type Query = Array<[string, string]>;

/**
 * One PagerDuty account: REST API (cached GETs, incidents) and Events API v2.
 */
export class PagerDutyClient {
  /**
   * Requests sent to PagerDuty, retries and OAuth token requests included;
   * cache hits send none.
   */
  readonly stats = { upstreamCalls: 0 };
  private readonly cache: TtlCache;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly oauthToken?: OAuthToken;

  /**
   * One client per account in `multivac.pagerDuty`, keyed by account id (the
   * top-level credentials are `default`). They share one cache.
   */
  static fromConfig(
    config: Config,
    options: Omit<PagerDutyClientOptions, 'cache'> = {},
  ): Map<string, PagerDutyClient> {
    const path = 'multivac.pagerDuty';
    const pagerDuty = config.getConfig(path);
    const apiBaseUrl = readUrl(
      pagerDuty,
      path,
      'apiBaseUrl',
      DEFAULT_API_BASE_URL,
    );
    const eventsBaseUrl = readUrl(
      pagerDuty,
      path,
      'eventsBaseUrl',
      DEFAULT_EVENTS_BASE_URL,
    );
    const fromEmail = pagerDuty.getOptionalString('fromEmail');
    const ttlSeconds =
      pagerDuty.getOptionalNumber('cacheTtlSeconds') ??
      DEFAULT_CACHE_TTL_SECONDS;
    const cache = new TtlCache(ttlSeconds * 1000, options.now);

    const accounts: PagerDutyAccount[] = [
      {
        id: DEFAULT_ACCOUNT,
        apiBaseUrl,
        eventsBaseUrl,
        fromEmail,
        directPageServiceId: pagerDuty.getOptionalString('directPageServiceId'),
        ...readCredentials(pagerDuty, path),
      },
      ...(pagerDuty.getOptionalConfigArray('accounts') ?? []).map(
        (account, index) => {
          const accountPath = `${path}.accounts[${index}]`;
          return {
            id: account.getString('id'),
            apiBaseUrl: readUrl(account, accountPath, 'apiBaseUrl', apiBaseUrl),
            eventsBaseUrl: readUrl(
              account,
              accountPath,
              'eventsBaseUrl',
              eventsBaseUrl,
            ),
            fromEmail: account.getOptionalString('fromEmail') ?? fromEmail,
            directPageServiceId: account.getOptionalString(
              'directPageServiceId',
            ),
            ...readCredentials(account, accountPath),
          };
        },
      ),
    ];
    const clients = new Map<string, PagerDutyClient>();
    for (const account of accounts) {
      if (clients.has(account.id)) {
        throw new InputError(
          `multivac.pagerDuty.accounts: id '${account.id}' is used more than once ` +
            `('${DEFAULT_ACCOUNT}' is the top-level account)`,
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
      options.cache ??
      new TtlCache(DEFAULT_CACHE_TTL_SECONDS * 1000, options.now);
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    const oauth = account.oauth;
    if (oauth) {
      this.oauthToken = new OAuthToken(
        () => this.requestToken(oauth),
        options.now,
      );
    }
  }

  /**
   * Every service of the account with its escalation policy, by id: all
   * pages of `GET /services`, read once per cache TTL (concurrent callers
   * share the read). Stops at PagerDuty's 10,000 listed records.
   */
  servicesById(): Promise<ReadonlyMap<string, PagerDutyService>> {
    const query: Query = [['include[]', 'escalation_policies']];
    return this.cached('/services', query, async () =>
      byId(
        await this.listAll(
          '/services',
          query,
          servicesPageSchema,
          page => page.services,
        ),
      ),
    );
  }

  /**
   * The service with its escalation policy, or `undefined` when the account
   * has none with that id; both answers are cached, so an unknown id costs
   * one call per TTL.
   */
  findService(id: string): Promise<PagerDutyService | undefined> {
    const path = `/services/${encodeURIComponent(id)}`;
    const query: Query = [['include[]', 'escalation_policies']];
    return this.cached(path, query, async () => {
      try {
        const body = await this.rest('GET', path, query, serviceBodySchema);
        return body.service;
      } catch (error) {
        if (isError(error) && error.name === 'NotFoundError') {
          return undefined;
        }
        throw error;
      }
    });
  }

  /**
   * Every on-call of the policies overlapping `since`..`until` (PagerDuty:
   * now): all pages, read once per cache TTL.
   */
  listOnCalls(filter: {
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
    return this.cached('/oncalls', query, () =>
      this.listAll('/oncalls', query, onCallsPageSchema, page => page.oncalls),
    );
  }

  /**
   * Every user of the account with their contact methods (phone numbers), by
   * id: all pages of `GET /users`, read once per cache TTL. Stops at
   * PagerDuty's 10,000 listed records.
   */
  usersById(): Promise<ReadonlyMap<string, PagerDutyUser>> {
    const query: Query = [['include[]', 'contact_methods']];
    return this.cached('/users', query, async () =>
      byId(
        await this.listAll(
          '/users',
          query,
          usersPageSchema,
          page => page.users,
        ),
      ),
    );
  }

  /** The user with their contact methods (phone numbers). */
  async getUser(id: string): Promise<PagerDutyUser> {
    const path = `/users/${encodeURIComponent(id)}`;
    const query: Query = [['include[]', 'contact_methods']];
    const body = await this.cached(path, query, () =>
      this.rest('GET', path, query, userBodySchema),
    );
    return body.user;
  }

  /** Sends an event to Events API v2; `routingKey` is the integration key. */
  sendEvent(
    routingKey: string,
    event: PagerDutyEvent,
  ): Promise<PagerDutyEventResult> {
    return this.enqueue('/v2/enqueue', event.event_action, {
      routing_key: routingKey,
      ...event,
    });
  }

  /**
   * Sends a change event to Events API v2. PagerDuty has no dedup key for
   * change events: sending one twice shows it twice.
   */
  sendChangeEvent(
    routingKey: string,
    event: PagerDutyChangeEvent,
  ): Promise<PagerDutyEventResult> {
    return this.enqueue('/v2/change/enqueue', 'change', {
      routing_key: routingKey,
      ...event,
    });
  }

  /** Opens an incident on the service; `fromEmail` defaults to the account's. */
  async createIncident(
    request: PagerDutyIncidentRequest,
    fromEmail = this.account.fromEmail,
  ): Promise<PagerDutyIncident> {
    if (request.escalationPolicyId && request.assigneeIds) {
      throw new InputError(
        'A PagerDuty incident has either an escalation policy or assignees, not both',
      );
    }
    const body = await this.rest('POST', '/incidents', [], incidentBodySchema, {
      fromEmail,
      body: {
        incident: {
          type: 'incident',
          title: request.title,
          service: { id: request.serviceId, type: 'service_reference' },
          urgency: request.urgency,
          ...(request.body && {
            body: { type: 'incident_body', details: request.body },
          }),
          ...(request.incidentKey && { incident_key: request.incidentKey }),
          ...(request.escalationPolicyId && {
            escalation_policy: {
              id: request.escalationPolicyId,
              type: 'escalation_policy_reference',
            },
          }),
          ...(request.assigneeIds && {
            assignments: request.assigneeIds.map(id => ({
              assignee: { id, type: 'user_reference' },
            })),
          }),
        },
      },
    });
    return body.incident;
  }

  acknowledgeIncident(
    id: string,
    fromEmail = this.account.fromEmail,
  ): Promise<PagerDutyIncident> {
    return this.setIncidentStatus(id, 'acknowledged', fromEmail);
  }

  resolveIncident(
    id: string,
    fromEmail = this.account.fromEmail,
  ): Promise<PagerDutyIncident> {
    return this.setIncidentStatus(id, 'resolved', fromEmail);
  }

  /**
   * The newest incident with that key (the dedup key of an Events API
   * alert), of any age and status. Not cached: callers act on its status.
   */
  async findIncidentByKey(
    incidentKey: string,
  ): Promise<PagerDutyIncident | undefined> {
    const page = await this.rest(
      'GET',
      '/incidents',
      [
        ['incident_key', incidentKey],
        ['date_range', 'all'],
        ['sort_by', 'created_at:desc'],
        ['limit', '1'],
      ],
      incidentsPageSchema,
    );
    return page.incidents[0];
  }

  private async setIncidentStatus(
    id: string,
    status: 'acknowledged' | 'resolved',
    fromEmail: string | undefined,
  ): Promise<PagerDutyIncident> {
    const body = await this.rest(
      'PUT',
      `/incidents/${encodeURIComponent(id)}`,
      [],
      incidentBodySchema,
      { fromEmail, body: { incident: { type: 'incident_reference', status } } },
    );
    return body.incident;
  }

  private async enqueue(
    path: string,
    kind: string,
    event: object,
  ): Promise<PagerDutyEventResult> {
    const call = `POST ${path} (${kind})`;
    const body = await this.send(
      call,
      joinUrl(this.account.eventsBaseUrl, path),
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify(event),
      },
    );
    return parseAnswer(call, eventResultSchema, body);
  }

  /**
   * Loaded once per cache TTL per account, path and query; concurrent
   * callers share the load.
   */
  private cached<T>(
    path: string,
    query: Query,
    load: () => Promise<T>,
  ): Promise<T> {
    // Not the URL: building one on every hit (on-call queries carry 25
    // policy ids) took about a quarter of a warm on-call answer.
    const key = `${this.account.id} ${path} ${JSON.stringify(query)}`;
    return this.cache.getOrLoad(key, load);
  }

  /** The records of every page of a list, up to PagerDuty's 10,000. */
  private async listAll<S extends z.ZodType<{ more?: boolean | null }>, R>(
    path: string,
    query: Query,
    schema: S,
    records: (page: z.infer<S>) => R[],
  ): Promise<R[]> {
    const all: R[] = [];
    for (;;) {
      const page = await this.rest(
        'GET',
        path,
        [
          ...query,
          ['limit', String(PAGE_SIZE)],
          ['offset', String(all.length)],
        ],
        schema,
      );
      const pageRecords = records(page);
      all.push(...pageRecords);
      if (
        !page.more ||
        pageRecords.length === 0 ||
        all.length + PAGE_SIZE > MAX_LISTED_RECORDS
      ) {
        return all;
      }
    }
  }

  /** A REST API call with the account's credentials. */
  private async rest<T extends z.ZodTypeAny>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    query: Query,
    schema: T,
    write?: { fromEmail: string | undefined; body: unknown },
  ): Promise<z.infer<T>> {
    const call = `${method} ${path}`;
    const headers: Record<string, string> = {
      Accept: REST_ACCEPT,
      'Content-Type': 'application/json',
    };
    if (write) {
      if (!write.fromEmail) {
        throw new InputError(
          `PagerDuty ${call} needs the email of a PagerDuty user for its From ` +
            `header: set multivac.pagerDuty.fromEmail, or fromEmail of ` +
            `account '${this.account.id}'`,
        );
      }
      headers.From = write.fromEmail;
    }
    const url = joinUrl(this.account.apiBaseUrl, path, query);
    const send = (authorization: string) =>
      this.send(call, url, {
        method,
        headers: { ...headers, Authorization: authorization },
        body: write && JSON.stringify(write.body),
      });
    const body = await this.sendAuthorized(send);
    return parseAnswer(call, schema, body);
  }

  private async sendAuthorized(
    send: (authorization: string) => Promise<unknown>,
  ): Promise<unknown> {
    if (!this.oauthToken) {
      return send(`Token token=${this.account.apiToken}`);
    }
    const token = await this.oauthToken.get();
    try {
      return await send(`Bearer ${token}`);
    } catch (error) {
      // A token can be revoked before its expires_in: one fresh token is
      // worth a try, a second 401 is the caller's problem.
      if (!isError(error) || error.name !== 'AuthenticationError') {
        throw error;
      }
      this.oauthToken.invalidate(token);
      return send(`Bearer ${await this.oauthToken.get()}`);
    }
  }

  private async requestToken(oauth: PagerDutyOAuth) {
    const call = 'POST oauth/token';
    const body = await this.send(call, oauth.tokenUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
        scope: `as_account-${oauth.region}.${oauth.subdomain} ${oauth.scopes}`,
      }).toString(),
    });
    return parseAnswer(call, tokenAnswerSchema, body);
  }

  /** Sends the request, waiting out 429s; returns the parsed JSON body. */
  private async send(
    call: string,
    url: string,
    init: RequestInit,
  ): Promise<unknown> {
    const { status, text } = await fetchFromVendor({
      call: `PagerDuty ${call}`,
      url,
      init,
      maxRetries: this.maxRetries,
      sleep: this.sleep,
      onRequest: () => this.stats.upstreamCalls++,
    });
    return this.bodyOrThrow(call, status, text);
  }

  private bodyOrThrow(call: string, status: number, text: string): unknown {
    const body = parseJsonBody(text);
    if (status >= 200 && status < 300) {
      return body;
    }
    const reason = errorReason(body, text);
    const message = `PagerDuty ${call} answered ${status}${
      reason ? `: ${reason}` : ''
    }`;
    const checkCredentials = `; check the ${
      this.account.oauth
        ? 'oauth client (clientId, clientSecret, subdomain, scopes)'
        : 'apiToken'
    } of PagerDuty account '${this.account.id}'`;
    switch (status) {
      case 400:
        throw new InputError(message);
      case 401:
        throw new AuthenticationError(message + checkCredentials);
      case 403:
        throw new NotAllowedError(message + checkCredentials);
      case 404:
        throw new NotFoundError(message);
      default:
        throw new ServiceUnavailableError(message);
    }
  }
}

/** A summary PagerDuty keeps whole: at most 1024 characters. */
export function truncateSummary(text: string): string {
  return text.length <= SUMMARY_MAX_LENGTH
    ? text
    : `${text.slice(0, SUMMARY_MAX_LENGTH - 1)}…`;
}

function parseAnswer<T extends z.ZodTypeAny>(
  call: string,
  schema: T,
  body: unknown,
): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ServiceUnavailableError(
      `PagerDuty ${call} answered an unexpected body (${describeZodError(
        result.error,
      )})`,
    );
  }
  return result.data;
}

function errorReason(body: unknown, text: string): string {
  const oauth = oauthErrorSchema.safeParse(body);
  if (oauth.success) {
    return [oauth.data.error, oauth.data.error_description]
      .filter(Boolean)
      .join(': ');
  }
  const parsed = errorBodySchema.safeParse(body);
  const details = parsed.success
    ? parsed.data.error ?? parsed.data
    : { message: text.slice(0, 200) };
  return [details.message, ...(details.errors ?? [])]
    .filter(Boolean)
    .join('; ');
}

function byId<T extends { id: string }>(records: T[]): ReadonlyMap<string, T> {
  return new Map(records.map(record => [record.id, record]));
}

function joinUrl(base: string, path: string, query: Query = []): string {
  const url = new URL(base + path);
  for (const [key, value] of query) {
    url.searchParams.append(key, value);
  }
  return url.toString();
}

/** An absolute URL without trailing slashes, so paths can be appended. */
function readUrl(
  config: Config,
  path: string,
  key: string,
  fallback: string,
): string {
  const value = config.getOptionalString(key) ?? fallback;
  if (!URL.canParse(value)) {
    throw new InputError(
      `PagerDuty ${key} '${value}' in ${path} is not an absolute URL`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** Exactly one of `apiToken` and `oauth`, at `path` in the config. */
function readCredentials(
  config: Config,
  path: string,
): { apiToken: string } | { oauth: PagerDutyOAuth } {
  const apiToken = config.getOptionalString('apiToken');
  const oauth = config.getOptionalConfig('oauth');
  if (apiToken && !oauth) {
    return { apiToken };
  }
  if (!oauth || apiToken) {
    throw new InputError(
      `Set exactly one of ${path}.apiToken and ${path}.oauth (found ${
        apiToken ? 'both' : 'neither'
      })`,
    );
  }
  return { oauth: readOAuth(oauth, `${path}.oauth`) };
}

function readOAuth(config: Config, path: string): PagerDutyOAuth {
  const region = config.getOptionalString('region') ?? 'us';
  if (!isOAuthRegion(region)) {
    throw new InputError(
      `${path}.region must be one of ${OAUTH_REGIONS.join(
        ', ',
      )}, not '${region}'`,
    );
  }
  return {
    clientId: config.getString('clientId'),
    clientSecret: config.getString('clientSecret'),
    region,
    subdomain: config.getString('subdomain'),
    scopes: config.getOptionalString('scopes') ?? DEFAULT_OAUTH_SCOPES,
    tokenUrl: readUrl(config, path, 'tokenUrl', DEFAULT_TOKEN_URL),
  };
}

function isOAuthRegion(region: string): region is PagerDutyOAuth['region'] {
  return (OAUTH_REGIONS as readonly string[]).includes(region);
}
