import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

const REST_ACCEPT = 'application/vnd.pagerduty+json;version=2';
const EVENT_ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

/** A REST resource as PagerDuty returns it. */
export type FakeResource = { id: string } & Record<string, unknown>;

export interface FakeOnCall {
  user: { id: string; summary?: string };
  escalation_policy: { id: string };
  escalation_level: number;
  start: string | null;
  end: string | null;
}

export interface FakePagerDutyData {
  /** The only REST token accepted (`Authorization: Token token=...`). */
  apiToken: string;
  services?: FakeResource[];
  escalationPolicies?: FakeResource[];
  /** `contact_methods` are returned only with `include[]=contact_methods`. */
  users?: FakeResource[];
  oncalls?: FakeOnCall[];
  /** Most on-calls per page, whatever `limit` asks for. Default 100. */
  pageSize?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, if any. */
  body?: unknown;
}

export interface FakePagerDuty {
  /** Base URL for both the REST and the Events API. */
  url: string;
  /** Every request received, rate-limited and rejected ones included. */
  requests: RecordedRequest[];
  /** Bodies of the events accepted by `POST /v2/enqueue`. */
  events(): unknown[];
  /** Answers the next `count` requests with 429 and `Retry-After`. */
  rateLimitNext(count: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

/**
 * A strict stand-in for PagerDuty on 127.0.0.1: REST `/services/{id}`,
 * `/escalation_policies/{id}`, `/users/{id}`, `/oncalls` and Events API v2
 * `/v2/enqueue`, answering malformed requests the way PagerDuty does.
 */
export async function startFakePagerDuty(
  data: FakePagerDutyData,
): Promise<FakePagerDuty> {
  const requests: RecordedRequest[] = [];
  const accepted: unknown[] = [];
  let rateLimited = { remaining: 0, retryAfterSeconds: 1 };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readText(req);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text ? parseJson(text) : undefined,
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
    rest(request, res);
  });

  function rest(request: RecordedRequest, res: ServerResponse) {
    if (request.headers.authorization !== `Token token=${data.apiToken}`) {
      restError(res, 401, 'Unauthorized', 2006);
      return;
    }
    if (request.headers.accept !== REST_ACCEPT) {
      restError(res, 400, 'Invalid Input Provided', 2001, [
        `Accept must be ${REST_ACCEPT}`,
      ]);
      return;
    }
    if (request.method !== 'GET') {
      restError(res, 404, 'Not Found', 2100);
      return;
    }
    const [, collection, id, ...deeper] = request.path.split('/');
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
    rateLimitNext(count, retryAfterSeconds = 1) {
      rateLimited = { remaining: count, retryAfterSeconds };
    },
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
