import { InputError, isError } from '@backstage/errors';
import { z } from 'zod';
import { TtlCache } from './cache';
import { OAuthToken } from './oauthToken';
import {
  joinUrl,
  PagerDutyHttp,
  PagerDutyHttpOptions,
  Query,
} from './pagerDutyHttp';
import {
  incidentBodySchema,
  incidentsPageSchema,
  onCallsPageSchema,
  PagerDutyAccount,
  PagerDutyIncident,
  PagerDutyIncidentRequest,
  PagerDutyOAuth,
  PagerDutyOnCall,
  PagerDutyService,
  PagerDutyUser,
  serviceBodySchema,
  servicesPageSchema,
  tokenAnswerSchema,
  userBodySchema,
  usersPageSchema,
} from './pagerDutySchemas';

export const DEFAULT_CACHE_TTL_SECONDS = 60;
const REST_ACCEPT = 'application/vnd.pagerduty+json;version=2';
/** The most PagerDuty returns per page. */
const PAGE_SIZE = 100;
/** PagerDuty answers 400 to a page whose `offset + limit` exceeds this. */
const MAX_LISTED_RECORDS = 10_000;

export interface PagerDutyRestClientOptions extends PagerDutyHttpOptions {
  /** GET answers; keys start with the account id, so accounts may share it. */
  cache?: TtlCache;
  /** Clock of the cache and OAuth token expiry; tests replace it. */
  now?: () => number;
}

/** The REST API of one PagerDuty account: cached GETs and incidents. */
export class PagerDutyRestClient {
  /**
   * Requests sent to PagerDuty, retries and OAuth token requests included;
   * cache hits send none.
   */
  readonly stats: { readonly upstreamCalls: number };
  private readonly http: PagerDutyHttp;
  private readonly cache: TtlCache;
  private readonly oauthToken?: OAuthToken;

  constructor(
    readonly account: PagerDutyAccount,
    options: PagerDutyRestClientOptions = {},
  ) {
    this.http = new PagerDutyHttp(account, options);
    this.stats = this.http.stats;
    this.cache =
      options.cache ??
      new TtlCache(DEFAULT_CACHE_TTL_SECONDS * 1000, options.now);
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

  /**
   * An uncached REST call with the account's credentials, for what this
   * module manages in PagerDuty (schedules, escalation policies, service
   * links: src/reconcile). `body` is sent as JSON; no `From` header.
   */
  request<T extends z.ZodTypeAny>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    query: Query,
    schema: T,
    body?: unknown,
  ): Promise<z.infer<T>> {
    return this.rest(method, path, query, schema, undefined, body);
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
    /** A body sent without `From`. */
    plainBody?: unknown,
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
    const body = write ? write.body : plainBody;
    const bodyText = body === undefined ? undefined : JSON.stringify(body);
    const send = (authorization: string) =>
      this.http.send(
        call,
        url,
        {
          method,
          headers: { ...headers, Authorization: authorization },
          body: bodyText,
        },
        schema,
      );
    return this.sendAuthorized(send);
  }

  private async sendAuthorized<R>(
    send: (authorization: string) => Promise<R>,
  ): Promise<R> {
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

  private requestToken(oauth: PagerDutyOAuth) {
    return this.http.send(
      'POST oauth/token',
      oauth.tokenUrl,
      {
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
      },
      tokenAnswerSchema,
    );
  }
}

function byId<T extends { id: string }>(records: T[]): ReadonlyMap<string, T> {
  return new Map(records.map(record => [record.id, record]));
}
