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
const INCIDENT_SORTS = ['created_at', 'created_at:asc', 'created_at:desc'];
/** Without `date_range=all` or `since`, incidents of the last month. */
const DEFAULT_INCIDENT_WINDOW_MS = 30 * 24 * 3_600_000;
/** Scopes a bearer token needs, per `METHOD /collection`. */
const REQUIRED_SCOPES: Record<string, string> = {
  'GET /services': 'services.read',
  'GET /escalation_policies': 'escalation_policies.read',
  'GET /users': 'users.read',
  'GET /oncalls': 'oncalls.read',
  'GET /incidents': 'incidents.read',
  'POST /incidents': 'incidents.write',
  'PUT /incidents': 'incidents.write',
};

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

export interface FakePagerDutyData {
  /** The only REST API token accepted (`Authorization: Token token=...`). */
  apiToken: string;
  /** Clients that get bearer tokens with the scopes they ask for. */
  oauthClients?: FakeOAuthClient[];
  /** `expires_in` of issued tokens. Default 3600. */
  tokenLifetimeSeconds?: number;
  services?: FakeResource[];
  escalationPolicies?: FakeResource[];
  /**
   * `contact_methods` are returned only with `include[]=contact_methods`.
   * Their emails are the valid `From` headers.
   */
  users?: FakeResource[];
  oncalls?: FakeOnCall[];
  /** Existing incidents; `POST /incidents` adds to them. */
  incidents?: FakeResource[];
  /** Most on-calls per page, whatever `limit` asks for. Default 100. */
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
  /** Every incident, in creation order, with its current status. */
  incidents(): FakeResource[];
  /** Answers the next `count` requests with 429 and `Retry-After`. */
  rateLimitNext(count: number, retryAfterSeconds?: number): void;
  /** Rejects the bearer tokens issued so far, as if they had expired. */
  revokeTokens(): void;
  close(): Promise<void>;
}

/**
 * A strict stand-in for PagerDuty on 127.0.0.1: REST `/services/{id}`,
 * `/escalation_policies/{id}`, `/users/{id}`, `/oncalls`, `/incidents`
 * (list, create, update), Events API v2 `/v2/enqueue` and the Scoped OAuth
 * token endpoint `/oauth/token`, answering malformed requests the way
 * PagerDuty does.
 */
export async function startFakePagerDuty(
  data: FakePagerDutyData,
): Promise<FakePagerDuty> {
  const requests: RecordedRequest[] = [];
  const accepted: unknown[] = [];
  const incidents: FakeResource[] = [...(data.incidents ?? [])];
  /** Scopes of each bearer token issued and not revoked. */
  const tokens = new Map<string, Set<string>>();
  let rateLimited = { remaining: 0, retryAfterSeconds: 1 };

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
    const missing = [
      REQUIRED_SCOPES[`${request.method} /${collection}`],
      collection === 'users' && includes(request.query, 'contact_methods')
        ? 'users:contact_methods.read'
        : undefined,
    ].filter(scope => scope && scopes !== 'all' && !scopes.has(scope));
    if (missing.length > 0) {
      restError(res, 403, 'Access Denied', 2010, [
        `The token lacks the scopes ${missing.join(', ')}`,
      ]);
      return;
    }
    if (collection === 'incidents' && deeper.length === 0) {
      incidentRequest(request, id, res);
      return;
    }
    if (request.method !== 'GET') {
      restError(res, 404, 'Not Found', 2100);
      return;
    }
    if (collection === 'oncalls' && id === undefined) {
      oncalls(request.query, res);
      return;
    }
    const found = deeper.length === 0 && lookup(collection, id, request.query);
    if (!found) {
      restError(res, 404, 'Not Found', 2100);
      return;
    }
    send(res, 200, found);
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

  function incidentRequest(
    request: RecordedRequest,
    id: string | undefined,
    res: ServerResponse,
  ) {
    if (request.method === 'GET') {
      if (id === undefined) {
        listIncidents(request.query, res);
        return;
      }
      const incident = incidents.find(i => i.id === id);
      if (!incident) {
        restError(res, 404, 'Not Found', 2100);
        return;
      }
      send(res, 200, { incident });
      return;
    }
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
    const offset = Number(query.get('offset') ?? 0);
    const limit = Math.min(Number(query.get('limit') ?? 25), 100);
    send(res, 200, {
      incidents: matching.slice(offset, offset + limit),
      limit,
      offset,
      more: offset + limit < matching.length,
      total: null,
    });
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

  function lookup(collection: string, id: string, query: URLSearchParams) {
    const byCollection: Record<string, [string, FakeResource[] | undefined]> = {
      services: ['service', data.services],
      escalation_policies: ['escalation_policy', data.escalationPolicies],
      users: ['user', data.users],
    };
    const [key, resources] = byCollection[collection] ?? [];
    const resource = resources?.find(r => r.id === id);
    if (!key || !resource) {
      return undefined;
    }
    if (key === 'user' && !includes(query, 'contact_methods')) {
      const { contact_methods: _omitted, ...withoutContacts } = resource;
      return { [key]: withoutContacts };
    }
    return { [key]: resource };
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
    const offset = Number(query.get('offset') ?? 0);
    const limit = Math.min(
      Number(query.get('limit') ?? 25),
      data.pageSize ?? 100,
    );
    send(res, 200, {
      oncalls: matching.slice(offset, offset + limit),
      limit,
      offset,
      more: offset + limit < matching.length,
      total: null,
    });
  }

  function enqueue(
    request: RecordedRequest,
    text: string,
    res: ServerResponse,
  ) {
    const invalid = (...errors: string[]) =>
      send(res, 400, {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors,
      });
    if (request.method !== 'POST') {
      invalid('Events must be POSTed');
      return;
    }
    if (!request.headers['content-type']?.startsWith('application/json')) {
      invalid('Content-Type must be application/json');
      return;
    }
    const event = parseJson(text) as Record<string, any> | undefined;
    if (!event || typeof event !== 'object') {
      send(res, 400, {
        status: 'Unrecognized object',
        message: 'Event object format is unrecognized',
        errors: ['JSON parse error'],
      });
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
      invalid(...errors);
      return;
    }
    accepted.push(event);
    send(res, 202, {
      status: 'success',
      message: 'Event processed',
      dedup_key: event.dedup_key ?? `generated-${accepted.length}`,
    });
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    events: () => [...accepted],
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
