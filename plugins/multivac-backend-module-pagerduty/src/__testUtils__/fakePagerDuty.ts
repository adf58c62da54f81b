import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from 'node:http';
import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';

const REST_ACCEPT = 'application/vnd.pagerduty+json;version=2';
const EVENT_ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'resolved'];
const URGENCIES = ['high', 'low'];
const CHANGE_EVENT_FIELDS = ['routing_key', 'payload', 'links', 'images'];
const CHANGE_PAYLOAD_FIELDS = [
  'summary',
  'timestamp',
  'source',
  'custom_details',
];
/** ISO 8601 as PagerDuty takes it, e.g. `2015-07-17T08:42:58.315+0000`. */
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const INCIDENT_SORTS = ['created_at', 'created_at:asc', 'created_at:desc'];
/** Without `date_range=all` or `since`, incidents of the last month. */
const DEFAULT_INCIDENT_WINDOW_MS = 30 * 24 * 3_600_000;
/** Records per page when `limit` is not given. */
const DEFAULT_LIMIT = 25;
/** PagerDuty refuses pages beyond this many records (`offset + limit`). */
const MAX_LISTED_RECORDS = 10_000;
const PAGINATION = ['limit', 'offset', 'total'];
/** Scopes a bearer token needs, per `METHOD /collection`. */
const REQUIRED_SCOPES: Record<string, string> = {
  'GET /services': 'services.read',
  'GET /users': 'users.read',
  'GET /oncalls': 'oncalls.read',
  'GET /incidents': 'incidents.read',
  'POST /incidents': 'incidents.write',
  'PUT /incidents': 'incidents.write',
};

interface GetRoute {
  /** Query parameters implemented. */
  parameters: string[];
  /** `include[]` models implemented. */
  includes?: string[];
  answer(query: URLSearchParams, res: ServerResponse, id?: string): void;
}

/** A REST resource as PagerDuty returns it. */
export type FakeResource = { id: string } & Record<string, unknown>;

export interface FakeOnCall {
  user: { id: string; summary?: string };
  escalation_policy: { id: string };
  /** The schedule that puts the user on call; `null` when targeted directly. */
  schedule?: { id: string; summary?: string } | null;
  escalation_level: number;
  start: string | null;
  end: string | null;
}

/** A Scoped OAuth client of a PagerDuty app, for `POST /oauth/token`. */
export interface FakeOAuthClient {
  clientId: string;
  clientSecret: string;
  /** The account, asked for as `as_account-<region>.<subdomain>`. */
  subdomain: string;
  /** Default `us`. */
  region?: 'us' | 'eu';
}

/**
 * The account the fake serves. Its services, policies, users and on-calls are
 * read as requests come, so a test can add one while the fake runs (as if
 * created after the client listed them).
 */
export interface FakePagerDutyData {
  /** The only REST API token accepted (`Authorization: Token token=...`). */
  apiToken: string;
  /** Clients that get bearer tokens with the scopes they ask for. */
  oauthClients?: FakeOAuthClient[];
  /** `expires_in` of issued tokens. Default 3600. */
  tokenLifetimeSeconds?: number;
  services?: FakeResource[];
  /** Inlined in services with `include[]=escalation_policies`. */
  escalationPolicies?: FakeResource[];
  /**
   * `contact_methods` are returned only with `include[]=contact_methods`.
   * Their emails are the valid `From` headers.
   */
  users?: FakeResource[];
  oncalls?: FakeOnCall[];
  /** Existing incidents; `POST /incidents` adds to them. */
  incidents?: FakeResource[];
  /** Most records per page of any list, whatever `limit` asks for. Default 100. */
  pageSize?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the fields of a form, if any. */
  body?: unknown;
}

export interface FakePagerDuty {
  /** Base URL for both the REST and the Events API. */
  url: string;
  /** Every request received, rate-limited and rejected ones included. */
  requests: RecordedRequest[];
  /** Bodies of the events accepted by `POST /v2/enqueue`. */
  events(): unknown[];
  /** Bodies of the change events accepted by `POST /v2/change/enqueue`. */
  changeEvents(): unknown[];
  /** Every incident, in creation order, with its current status. */
  incidents(): FakeResource[];
  /** Answers the next `count` requests with 429 and `Retry-After`. */
  rateLimitNext(count: number, retryAfterSeconds?: number): void;
  /** Rejects the bearer tokens issued so far, as if they had expired. */
  revokeTokens(): void;
  close(): Promise<void>;
}

/**
 * A strict stand-in for PagerDuty on 127.0.0.1: REST `/services` and
 * `/users` (list, by id), `/oncalls`, `/incidents` (list, create, update),
 * Events API v2 `/v2/enqueue` and `/v2/change/enqueue`, and the Scoped OAuth token endpoint
 * `/oauth/token`, answering malformed requests the way PagerDuty does. Lists
 * page like PagerDuty's classic pagination (`limit`, `offset`, `more`,
 * `total`).
 */
export async function startFakePagerDuty(
  data: FakePagerDutyData,
): Promise<FakePagerDuty> {
  const requests: RecordedRequest[] = [];
  const accepted: unknown[] = [];
  const acceptedChanges: unknown[] = [];
  const incidents: FakeResource[] = [...(data.incidents ?? [])];
  /** Scopes of each bearer token issued and not revoked. */
  const tokens = new Map<string, Set<string>>();
  let rateLimited = { remaining: 0, retryAfterSeconds: 1 };

  /**
   * The GET routes and the query parameters (`include[]` models apart) the
   * fake implements. PagerDuty ignores parameters it does not know; the fake
   * answers 400 to any it does not implement, so a test cannot pass on a
   * filter or an include that was silently dropped.
   */
  const getRoutes: Record<string, GetRoute> = {
    '/services': {
      parameters: [...PAGINATION, 'include[]'],
      includes: ['escalation_policies'],
      answer: (query, res) =>
        sendPage(
          res,
          query,
          'services',
          (data.services ?? []).map(service => expandService(service, query)),
        ),
    },
    '/services/{id}': {
      parameters: ['include[]'],
      includes: ['escalation_policies'],
      answer: (query, res, id) => {
        const service = (data.services ?? []).find(s => s.id === id);
        sendFound(res, service && { service: expandService(service, query) });
      },
    },
    '/users': {
      parameters: [...PAGINATION, 'include[]'],
      includes: ['contact_methods'],
      answer: (query, res) =>
        sendPage(
          res,
          query,
          'users',
          (data.users ?? []).map(user => expandUser(user, query)),
        ),
    },
    '/users/{id}': {
      parameters: ['include[]'],
      includes: ['contact_methods'],
      answer: (query, res, id) => {
        const user = (data.users ?? []).find(u => u.id === id);
        sendFound(res, user && { user: expandUser(user, query) });
      },
    },
    '/oncalls': {
      parameters: [...PAGINATION, 'escalation_policy_ids[]', 'since', 'until'],
      answer: oncalls,
    },
    '/incidents': {
      parameters: [
        ...PAGINATION,
        'incident_key',
        'date_range',
        'sort_by',
        'statuses[]',
        'since',
        'until',
      ],
      answer: listIncidents,
    },
    '/incidents/{id}': {
      parameters: [],
      answer: (_query, res, id) => {
        const incident = incidents.find(i => i.id === id);
        sendFound(res, incident && { incident });
      },
    },
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readText(req);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text ? parseBody(req.headers['content-type'], text) : undefined,
    };
    requests.push(request);

    if (rateLimited.remaining > 0) {
      rateLimited.remaining--;
      res.setHeader('Retry-After', String(rateLimited.retryAfterSeconds));
      restError(res, 429, 'Rate Limit Exceeded', 2020);
      return;
    }
    if (request.path === '/v2/enqueue') {
      enqueue(request, text, res);
      return;
    }
    if (request.path === '/v2/change/enqueue') {
      enqueueChange(request, text, res);
      return;
    }
    if (request.path === '/oauth/token') {
      issueToken(request, text, res);
      return;
    }
    rest(request, res);
  });

  function rest(request: RecordedRequest, res: ServerResponse) {
    const scopes = grantedScopes(request.headers.authorization);
    if (!scopes) {
      restError(res, 401, 'Unauthorized', 2006);
      return;
    }
    if (request.headers.accept !== REST_ACCEPT) {
      restError(res, 400, 'Invalid Input Provided', 2001, [
        `Accept must be ${REST_ACCEPT}`,
      ]);
      return;
    }
    const [, collection, id, ...deeper] = request.path.split('/');
    const { query } = request;
    const missing = [
      REQUIRED_SCOPES[`${request.method} /${collection}`],
      collection === 'services' && includes(query, 'escalation_policies')
        ? 'escalation_policies.read'
        : undefined,
      collection === 'users' && includes(query, 'contact_methods')
        ? 'users:contact_methods.read'
        : undefined,
    ].filter(scope => scope && scopes !== 'all' && !scopes.has(scope));
    if (missing.length > 0) {
      restError(res, 403, 'Access Denied', 2010, [
        `The token lacks the scopes ${missing.join(', ')}`,
      ]);
      return;
    }
    if (request.method !== 'GET') {
      if (collection === 'incidents' && deeper.length === 0) {
        changeIncidents(request, id, res);
      } else {
        restError(res, 404, 'Not Found', 2100);
      }
      return;
    }
    const route =
      deeper.length === 0 &&
      getRoutes[`/${collection}${id === undefined ? '' : '/{id}'}`];
    if (!route) {
      restError(res, 404, 'Not Found', 2100);
      return;
    }
    const unsupported = unsupportedParameters(query, route);
    if (unsupported.length > 0) {
      restError(res, 400, 'Invalid Input Provided', 2001, unsupported);
      return;
    }
    route.answer(query, res, id);
  }

  /**
   * Classic pagination: `limit` records (default 25, at most `pageSize`)
   * from `offset`, whether `more` follow, and the `total` only when asked
   * for with `total=true`.
   */
  function sendPage(
    res: ServerResponse,
    query: URLSearchParams,
    key: string,
    records: unknown[],
  ) {
    const limit = Math.min(
      Number(query.get('limit') ?? DEFAULT_LIMIT),
      data.pageSize ?? 100,
    );
    const offset = Number(query.get('offset') ?? 0);
    const total = query.get('total') ?? 'false';
    const errors = [
      ...(Number.isInteger(limit) && limit > 0
        ? []
        : ['limit must be a positive integer']),
      ...(Number.isInteger(offset) && offset >= 0
        ? []
        : ['offset must be a non-negative integer']),
      ...(['true', 'false'].includes(total) ? [] : ['total must be a boolean']),
    ];
    if (errors.length > 0) {
      restError(res, 400, 'Invalid Input Provided', 2001, errors);
      return;
    }
    if (offset + limit > MAX_LISTED_RECORDS) {
      restError(res, 400, 'Arguments Caused Error', 2002, [
        `Offset+limit exceeds maximum allowed value of ${MAX_LISTED_RECORDS}. ` +
          'Please try to refine your search to reduce the returned set of ' +
          'records below this number, like adding a date range.',
      ]);
      return;
    }
    send(res, 200, {
      [key]: records.slice(offset, offset + limit),
      limit,
      offset,
      more: offset + limit < records.length,
      total: total === 'true' ? records.length : null,
    });
  }

  /** With `include[]=escalation_policies`, the whole policy in its place. */
  function expandService(service: FakeResource, query: URLSearchParams) {
    const reference = service.escalation_policy as FakeResource | undefined;
    const policy = (data.escalationPolicies ?? []).find(
      p => p.id === reference?.id,
    );
    return includes(query, 'escalation_policies') && policy
      ? { ...service, escalation_policy: policy }
      : service;
  }

  /** Contact methods only with `include[]=contact_methods`. */
  function expandUser(user: FakeResource, query: URLSearchParams) {
    if (includes(query, 'contact_methods')) {
      return user;
    }
    const { contact_methods: _omitted, ...withoutContacts } = user;
    return withoutContacts;
  }

  /** `all` for the API token, the token's scopes for a bearer token. */
  function grantedScopes(
    authorization: string | undefined,
  ): 'all' | Set<string> | undefined {
    if (authorization === `Token token=${data.apiToken}`) {
      return 'all';
    }
    const bearer = authorization?.match(/^Bearer (.+)$/)?.[1];
    return bearer ? tokens.get(bearer) : undefined;
  }

  function issueToken(
    request: RecordedRequest,
    text: string,
    res: ServerResponse,
  ) {
    const oauthError = (status: number, error: string, description: string) =>
      send(res, status, { error, error_description: description });
    if (
      request.method !== 'POST' ||
      !request.headers['content-type']?.startsWith(
        'application/x-www-form-urlencoded',
      )
    ) {
      oauthError(
        400,
        'invalid_request',
        'POST a form (application/x-www-form-urlencoded)',
      );
      return;
    }
    const form = new URLSearchParams(text);
    if (form.get('grant_type') !== 'client_credentials') {
      oauthError(400, 'unsupported_grant_type', 'Use client_credentials');
      return;
    }
    const clients = (data.oauthClients ?? []).filter(
      c =>
        c.clientId === form.get('client_id') &&
        c.clientSecret === form.get('client_secret'),
    );
    if (clients.length === 0) {
      oauthError(401, 'invalid_client', 'Client authentication failed');
      return;
    }
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const accounts = clients.map(
      c => `as_account-${c.region ?? 'us'}.${c.subdomain}`,
    );
    if (!accounts.some(account => scopes.includes(account))) {
      oauthError(
        400,
        'invalid_scope',
        `The scope must include one of ${accounts.join(', ')}`,
      );
      return;
    }
    const accessToken = `pdus+_${randomUUID()}`;
    tokens.set(accessToken, new Set(scopes));
    send(res, 200, {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: data.tokenLifetimeSeconds ?? 3600,
      scope: scopes.join(' '),
    });
  }

  /** `POST /incidents` and `PUT /incidents/{id}`. */
  function changeIncidents(
    request: RecordedRequest,
    id: string | undefined,
    res: ServerResponse,
  ) {
    if (!request.headers['content-type']?.startsWith('application/json')) {
      restError(res, 400, 'Invalid Input Provided', 2001, [
        'Content-Type must be application/json',
      ]);
      return;
    }
    const from = request.headers.from;
    const requester = (data.users ?? []).find(
      u => typeof from === 'string' && u.email === from,
    );
    if (!requester) {
      restError(res, 400, 'Invalid Input Provided', 2001, [
        from
          ? 'Requester User Not Found'
          : 'A valid From header (the email of a user) is required',
      ]);
      return;
    }
    const body = request.body as { incident?: Record<string, any> } | undefined;
    if (request.method === 'POST' && id === undefined) {
      createIncident(body?.incident, res);
    } else if (request.method === 'PUT' && id !== undefined) {
      updateIncident(id, body?.incident, res);
    } else {
      restError(res, 404, 'Not Found', 2100);
    }
  }

  function listIncidents(query: URLSearchParams, res: ServerResponse) {
    const dateRange = query.get('date_range');
    const sortBy = query.get('sort_by') ?? 'created_at';
    const statuses = query.getAll('statuses[]');
    const errors = [
      ...(dateRange === null || dateRange === 'all'
        ? []
        : ['date_range must be all']),
      ...(INCIDENT_SORTS.includes(sortBy)
        ? []
        : [`sort_by ${sortBy} is not supported here`]),
      ...(statuses.every(s => INCIDENT_STATUSES.includes(s))
        ? []
        : ['statuses[] must be triggered, acknowledged or resolved']),
    ];
    if (errors.length > 0) {
      restError(res, 400, 'Invalid Input Provided', 2001, errors);
      return;
    }
    const until = Date.parse(query.get('until') ?? new Date().toISOString());
    const since = query.has('since')
      ? Date.parse(query.get('since')!)
      : until - DEFAULT_INCIDENT_WINDOW_MS;
    const key = query.get('incident_key');
    const matching = incidents
      .filter(
        i =>
          (key === null || i.incident_key === key) &&
          (statuses.length === 0 || statuses.includes(String(i.status))) &&
          (dateRange === 'all' ||
            (Date.parse(String(i.created_at)) >= since &&
              Date.parse(String(i.created_at)) <= until)),
      )
      .sort(
        (a, b) =>
          Date.parse(String(a.created_at)) - Date.parse(String(b.created_at)),
      );
    if (sortBy.endsWith(':desc')) {
      matching.reverse();
    }
    sendPage(res, query, 'incidents', matching);
  }

  function createIncident(
    incident: Record<string, any> | undefined,
    res: ServerResponse,
  ) {
    const service = (data.services ?? []).find(
      s => s.id === incident?.service?.id,
    );
    const policyId =
      incident?.escalation_policy?.id ??
      (service?.escalation_policy as FakeResource | undefined)?.id;
    const key = incident?.incident_key;
    const errors = [
      ...(incident?.type === 'incident' ? [] : ["'type' must be incident"]),
      ...(typeof incident?.title === 'string' && incident.title
        ? []
        : ["'title' is missing or blank"]),
      ...(service && incident?.service?.type === 'service_reference'
        ? []
        : ["'service' must be a service_reference to an existing service"]),
      ...(incident?.urgency === undefined ||
      URGENCIES.includes(incident.urgency)
        ? []
        : ["'urgency' must be high or low"]),
      ...(incident?.body === undefined ||
      (incident.body?.type === 'incident_body' &&
        ['string', 'object'].includes(typeof incident.body.details))
        ? []
        : ["'body' must be an incident_body with details"]),
      ...(incident?.escalation_policy === undefined ||
      (incident.escalation_policy?.type === 'escalation_policy_reference' &&
        (data.escalationPolicies ?? []).some(p => p.id === policyId))
        ? []
        : [
            "'escalation_policy' must be an escalation_policy_reference to an existing policy",
          ]),
      ...(incident?.assignments === undefined ||
      (incident.escalation_policy === undefined &&
        Array.isArray(incident.assignments) &&
        incident.assignments.length > 0 &&
        incident.assignments.every(
          (a: any) =>
            a?.assignee?.type === 'user_reference' &&
            (data.users ?? []).some(u => u.id === a.assignee.id),
        ))
        ? []
        : [
            "'assignments' must be user_reference assignees of existing users, without an escalation_policy",
          ]),
      ...(key === undefined || (typeof key === 'string' && key)
        ? []
        : ["'incident_key' must be a non-empty string"]),
      ...(incidents.some(
        i =>
          key !== undefined &&
          i.incident_key === key &&
          (i.service as FakeResource).id === service?.id &&
          i.status !== 'resolved',
      )
        ? [`Open incident with key '${key}' already exists`]
        : []),
    ];
    if (!incident || errors.length > 0) {
      restError(res, 400, 'Invalid Input Provided', 2001, errors);
      return;
    }
    const number = incidents.length + 1;
    const id = `PINC${number}`;
    const created: FakeResource = {
      id,
      type: 'incident',
      incident_number: number,
      title: incident.title,
      summary: `[#${number}] ${incident.title}`,
      status: 'triggered',
      urgency: incident.urgency ?? 'high',
      incident_key: key ?? randomUUID().replace(/-/g, ''),
      created_at: new Date().toISOString(),
      html_url: `https://fake.pagerduty.com/incidents/${id}`,
      service: { id: service!.id, type: 'service_reference' },
      escalation_policy: { id: policyId, type: 'escalation_policy_reference' },
      ...(incident.body && { body: incident.body }),
      ...(incident.assignments && {
        assignments: incident.assignments.map((a: any) => ({
          assignee: { id: a.assignee.id, type: 'user_reference' },
        })),
      }),
    };
    incidents.push(created);
    send(res, 201, { incident: created });
  }

  function updateIncident(
    id: string,
    update: Record<string, any> | undefined,
    res: ServerResponse,
  ) {
    const incident = incidents.find(i => i.id === id);
    if (!incident) {
      restError(res, 404, 'Not Found', 2100);
      return;
    }
    const errors = [
      ...(['incident', 'incident_reference'].includes(update?.type)
        ? []
        : ["'type' must be incident or incident_reference"]),
      ...(INCIDENT_STATUSES.includes(update?.status)
        ? []
        : ["'status' must be triggered, acknowledged or resolved"]),
    ];
    if (errors.length > 0) {
      restError(res, 400, 'Invalid Input Provided', 2001, errors);
      return;
    }
    incident.status = update?.status;
    send(res, 200, { incident });
  }

  function oncalls(query: URLSearchParams, res: ServerResponse) {
    const now = new Date().toISOString();
    const since = Date.parse(query.get('since') ?? now);
    const until = Date.parse(query.get('until') ?? now);
    if (Number.isNaN(since) || Number.isNaN(until) || until < since) {
      restError(res, 400, 'Invalid Input Provided', 2001, [
        'since and until must be date-times, until not before since',
      ]);
      return;
    }
    const policyIds = query.getAll('escalation_policy_ids[]');
    const matching = (data.oncalls ?? []).filter(
      o =>
        (policyIds.length === 0 ||
          policyIds.includes(o.escalation_policy.id)) &&
        (o.start === null || Date.parse(o.start) <= until) &&
        (o.end === null || Date.parse(o.end) > since),
    );
    sendPage(res, query, 'oncalls', matching);
  }

  function invalidEvent(res: ServerResponse, errors: string[]) {
    send(res, 400, {
      status: 'invalid event',
      message: 'Event object is invalid',
      errors,
    });
  }

  /** The JSON object POSTed, or undefined once a 400 is sent. */
  function readEvent(
    request: RecordedRequest,
    text: string,
    res: ServerResponse,
  ): Record<string, any> | undefined {
    if (request.method !== 'POST') {
      invalidEvent(res, ['Events must be POSTed']);
      return undefined;
    }
    if (!request.headers['content-type']?.startsWith('application/json')) {
      invalidEvent(res, ['Content-Type must be application/json']);
      return undefined;
    }
    const event = parseJson(text);
    if (!event || typeof event !== 'object' || Array.isArray(event)) {
      send(res, 400, {
        status: 'Unrecognized object',
        message: 'Event object format is unrecognized',
        errors: ['JSON parse error'],
      });
      return undefined;
    }
    return event as Record<string, any>;
  }

  function enqueue(
    request: RecordedRequest,
    text: string,
    res: ServerResponse,
  ) {
    const event = readEvent(request, text, res);
    if (!event) {
      return;
    }
    const errors = [
      ...(typeof event.routing_key === 'string' && event.routing_key
        ? []
        : ["'routing_key' is missing or blank"]),
      ...(EVENT_ACTIONS.includes(event.event_action)
        ? []
        : ["'event_action' is invalid"]),
      ...(event.event_action === 'trigger'
        ? [
            ...(typeof event.payload?.summary === 'string' &&
            event.payload.summary
              ? []
              : ["'payload.summary' is missing or blank"]),
            ...(typeof event.payload?.source === 'string' &&
            event.payload.source
              ? []
              : ["'payload.source' is missing or blank"]),
            ...(SEVERITIES.includes(event.payload?.severity)
              ? []
              : ["'payload.severity' is invalid"]),
          ]
        : [
            ...(typeof event.dedup_key === 'string' && event.dedup_key
              ? []
              : ["'dedup_key' is required to acknowledge or resolve"]),
          ]),
    ];
    if (errors.length > 0) {
      invalidEvent(res, errors);
      return;
    }
    accepted.push(event);
    send(res, 202, {
      status: 'success',
      message: 'Event processed',
      dedup_key: event.dedup_key ?? `generated-${accepted.length}`,
    });
  }

  /**
   * A change event (Events API v2 description, `/change/enqueue`). Fields
   * the description does not have, such as `event_action` or `severity`,
   * are rejected: they belong to alert events.
   */
  function enqueueChange(
    request: RecordedRequest,
    text: string,
    res: ServerResponse,
  ) {
    const event = readEvent(request, text, res);
    if (!event) {
      return;
    }
    const payload = event.payload;
    const links: unknown = event.links;
    const isObject = (value: unknown) =>
      Boolean(value) && typeof value === 'object' && !Array.isArray(value);
    const errors = [
      ...Object.keys(event)
        .filter(field => !CHANGE_EVENT_FIELDS.includes(field))
        .map(field => `'${field}' is not a change event field`),
      ...(typeof event.routing_key === 'string' && event.routing_key
        ? []
        : ["'routing_key' is missing or blank"]),
      ...(isObject(payload)
        ? [
            ...Object.keys(payload)
              .filter(field => !CHANGE_PAYLOAD_FIELDS.includes(field))
              .map(field => `'payload.${field}' is not a change event field`),
            ...(typeof payload.summary === 'string' && payload.summary.trim()
              ? []
              : ["'payload.summary' is missing or blank"]),
            ...(payload.timestamp === undefined ||
            (typeof payload.timestamp === 'string' &&
              DATE_TIME.test(payload.timestamp) &&
              !Number.isNaN(Date.parse(payload.timestamp)))
              ? []
              : ["'payload.timestamp' must be an ISO 8601 date-time"]),
            ...(payload.source === undefined ||
            typeof payload.source === 'string'
              ? []
              : ["'payload.source' must be a string"]),
            ...(payload.custom_details === undefined ||
            isObject(payload.custom_details)
              ? []
              : ["'payload.custom_details' must be an object"]),
          ]
        : ["'payload' is missing"]),
      ...(links === undefined ||
      (Array.isArray(links) &&
        links.every(
          link =>
            isObject(link) &&
            typeof link.href === 'string' &&
            URL.canParse(link.href) &&
            (link.text === undefined || typeof link.text === 'string'),
        ))
        ? []
        : ["'links' must be a list of { href, text } with URLs"]),
    ];
    if (errors.length > 0) {
      invalidEvent(res, errors);
      return;
    }
    acceptedChanges.push(event);
    send(res, 202, { status: 'success', message: 'Change event processed' });
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    events: () => [...accepted],
    changeEvents: () => [...acceptedChanges],
    incidents: () => [...incidents],
    rateLimitNext(count, retryAfterSeconds = 1) {
      rateLimited = { remaining: count, retryAfterSeconds };
    },
    revokeTokens: () => tokens.clear(),
    close() {
      // fetch keeps connections alive; close() would wait for them.
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close(error => (error ? reject(error) : resolve())),
      );
    },
  };
}

function includes(query: URLSearchParams, model: string) {
  return query.getAll('include[]').includes(model);
}

function unsupportedParameters(
  query: URLSearchParams,
  route: GetRoute,
): string[] {
  return [
    ...[...new Set(query.keys())]
      .filter(parameter => !route.parameters.includes(parameter))
      .map(parameter => `${parameter} is not supported here`),
    ...query
      .getAll('include[]')
      .filter(model => !route.includes?.includes(model))
      .map(model => `include[]=${model} is not supported here`),
  ];
}

function sendFound(res: ServerResponse, body: object | undefined) {
  if (body) {
    send(res, 200, body);
  } else {
    restError(res, 404, 'Not Found', 2100);
  }
}

function restError(
  res: ServerResponse,
  status: number,
  message: string,
  code: number,
  errors?: string[],
) {
  send(res, status, { error: { message, code, ...(errors && { errors }) } });
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function parseBody(contentType: string | undefined, text: string): unknown {
  return contentType?.startsWith('application/x-www-form-urlencoded')
    ? Object.fromEntries(new URLSearchParams(text))
    : parseJson(text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
