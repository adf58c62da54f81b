/*
 * A fake PagerDuty REST API for the side-by-side on-call benchmark, written
 * from PagerDuty's OpenAPI description (../../shared/vendor-specs/
 * pagerduty-rest-openapiv3.json, server https://api.pagerduty.com), not from
 * either client: the read endpoints both on-call cards use, with the spec's
 * parameters, object shapes, classic pagination and error bodies.
 *
 * - GET /services, GET /services/{id}: `include[]` escalation_policies and
 *   integrations expand the references (Service, EscalationPolicy).
 * - GET /oncalls: `escalation_policy_ids[]`, `since`/`until` (default: now),
 *   `earliest`, `include[]=users` (User instead of UserReference).
 * - GET /users, GET /users/{id}: `include[]=contact_methods`.
 * - `limit` (default 25, at most 100), `offset`, `more`, `total` (null).
 * - `Authorization: Token token=<key>`, else 401; unknown ids 404; and,
 *   when asked, every n-th request answers 429 (the spec's error body; the
 *   spec names no Retry-After header, so none is sent).
 *
 * Every answer waits `latencyMs` first, like a PagerDuty far away.
 *
 * The spec's error body, references and classic pagination are shared with
 * the PagerDuty module's writable fake for the schedule reconcile
 * (plugins/multivac-backend-module-pagerduty/src/reconcile/__testUtils__/).
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  SPEC_API as API,
  specError,
  specPage,
  specReference,
} from '../plugins/multivac-backend-module-pagerduty/src/reconcile/__testUtils__/pagerDutySpec';

const HTML = 'https://bench.pagerduty.example';
const WEEK_MS = 7 * 24 * 3600_000;
/** A Monday 09:00 UTC: shifts hand over weekly from here. */
const ROTATION_ANCHOR = Date.UTC(2026, 0, 5, 9);

export interface FakeAccount {
  serviceCount: number;
}

/** Who the account says is on call for a service's policy, per level. */
export interface ExpectedOnCall {
  serviceId: string;
  policyId: string;
  /** Level 1 first; the users on call at each level now. */
  levels: Array<{ userIds: string[] }>;
}

interface Model {
  services: Array<{
    id: string;
    name: string;
    policyId: string;
    integrationKey: string;
  }>;
  policies: Map<
    string,
    {
      id: string;
      name: string;
      rules: Array<{
        delay: number;
        target:
          | { type: 'schedule'; id: string; rotation: string[] }
          | { type: 'user'; id: string };
      }>;
    }
  >;
  users: Map<
    string,
    { id: string; name: string; email: string; phone: string }
  >;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * Each service has its own escalation policy of three levels: a weekly
 * primary rotation of two users, the same two the other way round as
 * secondary, and a team lead targeted directly (a permanent on-call).
 */
function buildModel(account: FakeAccount): Model {
  const model: Model = { services: [], policies: new Map(), users: new Map() };
  for (let i = 0; i < account.serviceCount; i++) {
    const [a, b, lead] = [0, 1, 2].map(k => {
      const id = `PU${pad(i, 3)}${k}X`;
      model.users.set(id, {
        id,
        name: `Responder ${pad(i, 2)}-${k}`,
        email: `responder-${i}-${k}@nimbus.example`,
        phone: `555${pad(i, 3)}${k}`,
      });
      return id;
    });
    const policyId = `PEP${pad(i, 4)}`;
    model.policies.set(policyId, {
      id: policyId,
      name: `Service ${pad(i, 2)} escalation`,
      rules: [
        {
          delay: 15,
          target: { type: 'schedule', id: `PSA${pad(i, 4)}`, rotation: [a, b] },
        },
        {
          delay: 15,
          target: { type: 'schedule', id: `PSB${pad(i, 4)}`, rotation: [b, a] },
        },
        { delay: 30, target: { type: 'user', id: lead } },
      ],
    });
    model.services.push({
      id: `PS${pad(i, 5)}`,
      name: `Service ${pad(i, 2)}`,
      policyId,
      integrationKey: `key${pad(i, 29)}`,
    });
  }
  return model;
}

interface OnCallRecord {
  policyId: string;
  level: number;
  scheduleId?: string;
  userId: string;
  start: number | null;
  end: number | null;
}

/** The on-calls of a policy overlapping [since, until]. */
function onCallsOf(
  model: Model,
  policyId: string,
  since: number,
  until: number,
): OnCallRecord[] {
  const policy = model.policies.get(policyId);
  if (!policy) {
    return [];
  }
  const records: OnCallRecord[] = [];
  policy.rules.forEach((rule, index) => {
    const level = index + 1;
    const target = rule.target;
    if (target.type === 'user') {
      records.push({
        policyId,
        level,
        userId: target.id,
        start: null,
        end: null,
      });
      return;
    }
    const first = Math.floor((since - ROTATION_ANCHOR) / WEEK_MS);
    for (let week = first; ROTATION_ANCHOR + week * WEEK_MS <= until; week++) {
      const start = ROTATION_ANCHOR + week * WEEK_MS;
      const end = start + WEEK_MS;
      if (end <= since) {
        continue;
      }
      const members = target.rotation;
      records.push({
        policyId,
        level,
        scheduleId: target.id,
        userId:
          members[((week % members.length) + members.length) % members.length],
        start,
        end,
      });
    }
  });
  return records;
}

export interface FakePagerDuty {
  url: string;
  /** Requests received per API key, rate-limited ones included. */
  requestsByKey: Map<string, number>;
  /** Requests received per `METHOD /path` (ids replaced by `{id}`). */
  requestsByRoute: Map<string, number>;
  rateLimited: number;
  /** Every n-th request answers 429 (0: none). */
  setRateLimitEvery(n: number): void;
  expected(serviceId: string, at: Date): ExpectedOnCall;
  /** Phone as a card should show it, by user id. */
  user(id: string): { name: string; email: string; phone: string } | undefined;
  close(): Promise<void>;
}

export async function startFakePagerDutyFromSpec(options: {
  account: FakeAccount;
  apiKeys: string[];
  latencyMs: number;
}): Promise<FakePagerDuty> {
  const model = buildModel(options.account);
  const servicesById = new Map(model.services.map(s => [s.id, s]));
  const requestsByKey = new Map<string, number>();
  const requestsByRoute = new Map<string, number>();
  let received = 0;
  let rateLimitEvery = 0;
  let rateLimited = 0;

  const ref = (type: string, id: string, summary: string, path: string) =>
    specReference(HTML, type, id, summary, path);
  const userRef = (id: string) =>
    ref('user', id, model.users.get(id)!.name, 'users');
  const policyRef = (id: string) =>
    ref(
      'escalation_policy',
      id,
      model.policies.get(id)!.name,
      'escalation_policies',
    );

  function contactMethods(userId: string, expand: boolean) {
    const user = model.users.get(userId)!;
    const methods = [
      {
        id: `${userId}E`,
        type: 'email_contact_method',
        summary: 'Work',
        label: 'Work',
        address: user.email,
      },
      {
        id: `${userId}P`,
        type: 'phone_contact_method',
        summary: 'Mobile',
        label: 'Mobile',
        country_code: 49,
        address: user.phone,
        enabled: true,
        blacklisted: false,
      },
    ];
    return methods.map(m =>
      expand
        ? { ...m, self: `${API}/users/${userId}/contact_methods/${m.id}` }
        : {
            id: m.id,
            type: `${m.type}_reference`,
            summary: m.summary,
            self: `${API}/users/${userId}/contact_methods/${m.id}`,
          },
    );
  }

  function userObject(id: string, includes: string[]) {
    const user = model.users.get(id)!;
    return {
      id,
      type: 'user',
      summary: user.name,
      self: `${API}/users/${id}`,
      html_url: `${HTML}/users/${id}`,
      name: user.name,
      email: user.email,
      time_zone: 'Europe/Berlin',
      color: 'green',
      role: 'user',
      avatar_url: `${HTML}/avatars/${id}.png`,
      description: '',
      invitation_sent: false,
      job_title: 'Engineer',
      teams: [],
      contact_methods: contactMethods(id, includes.includes('contact_methods')),
      notification_rules: [],
    };
  }

  function policyObject(id: string) {
    const policy = model.policies.get(id)!;
    return {
      ...policyRef(id),
      type: 'escalation_policy',
      name: policy.name,
      description: '',
      num_loops: 0,
      on_call_handoff_notifications: 'if_has_services',
      escalation_rules: policy.rules.map((rule, index) => ({
        id: `${id}R${index + 1}`,
        escalation_delay_in_minutes: rule.delay,
        targets: [
          rule.target.type === 'user'
            ? userRef(rule.target.id)
            : ref(
                'schedule',
                rule.target.id,
                `Schedule ${rule.target.id}`,
                'schedules',
              ),
        ],
      })),
      services: [],
      teams: [],
    };
  }

  function serviceObject(id: string, includes: string[]) {
    const service = servicesById.get(id)!;
    const integration = {
      id: `PI${id.slice(2)}`,
      type: 'events_api_v2_inbound_integration',
      summary: 'Events API v2',
      self: `${API}/services/${id}/integrations/PI${id.slice(2)}`,
      html_url: `${HTML}/services/${id}/integrations/PI${id.slice(2)}`,
    };
    return {
      id,
      type: 'service',
      summary: service.name,
      self: `${API}/services/${id}`,
      html_url: `${HTML}/service-directory/${id}`,
      name: service.name,
      description: `${service.name} in production`,
      auto_resolve_timeout: 14400,
      acknowledgement_timeout: 600,
      created_at: '2026-01-05T09:00:00Z',
      status: 'active',
      last_incident_timestamp: null,
      alert_creation: 'create_alerts_and_incidents',
      escalation_policy: includes.includes('escalation_policies')
        ? policyObject(service.policyId)
        : policyRef(service.policyId),
      teams: [],
      integrations: [
        includes.includes('integrations')
          ? {
              ...integration,
              type: 'events_api_v2_inbound_integration',
              name: 'Events API v2',
              integration_key: service.integrationKey,
            }
          : {
              ...integration,
              type: 'events_api_v2_inbound_integration_reference',
            },
      ],
      incident_urgency_rule: { type: 'constant', urgency: 'high' },
    };
  }

  function answer(req: IncomingMessage): { status: number; body: unknown } {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = url.searchParams;
    const includes = query.getAll('include[]');
    const parts = url.pathname.split('/').filter(Boolean);
    const notFound = { status: 404, body: specError('Not Found', 2100) };
    if (req.method !== 'GET') {
      return { status: 405, body: specError('Method Not Allowed', 2000) };
    }
    let result: unknown;
    if (parts[0] === 'services' && parts.length === 1) {
      result = specPage(
        model.services.map(s => serviceObject(s.id, includes)),
        query,
        'services',
      );
    } else if (parts[0] === 'services' && parts.length === 2) {
      if (!servicesById.has(parts[1])) {
        return notFound;
      }
      result = { service: serviceObject(parts[1], includes) };
    } else if (parts[0] === 'users' && parts.length === 1) {
      result = specPage(
        [...model.users.keys()].map(id => userObject(id, includes)),
        query,
        'users',
      );
    } else if (parts[0] === 'users' && parts.length === 2) {
      if (!model.users.has(parts[1])) {
        return notFound;
      }
      result = { user: userObject(parts[1], includes) };
    } else if (parts[0] === 'oncalls' && parts.length === 1) {
      const now = Date.now();
      const since = query.has('since') ? Date.parse(query.get('since')!) : now;
      const until = query.has('until') ? Date.parse(query.get('until')!) : now;
      if (Number.isNaN(since) || Number.isNaN(until) || until < since) {
        return {
          status: 400,
          body: specError('Invalid Input Provided', 2001, ['since/until']),
        };
      }
      const policyIds = query.has('escalation_policy_ids[]')
        ? query.getAll('escalation_policy_ids[]')
        : [...model.policies.keys()];
      let records = policyIds.flatMap(id => onCallsOf(model, id, since, until));
      if (query.get('earliest') === 'true') {
        const seen = new Set<string>();
        records = records.filter(r => {
          const k = `${r.policyId} ${r.level} ${r.userId}`;
          return !seen.has(k) && Boolean(seen.add(k));
        });
      }
      const iso = (t: number | null) =>
        t === null ? null : new Date(t).toISOString();
      result = specPage(
        records.map(r => ({
          escalation_policy: policyRef(r.policyId),
          escalation_level: r.level,
          schedule: r.scheduleId
            ? ref(
                'schedule',
                r.scheduleId,
                `Schedule ${r.scheduleId}`,
                'schedules',
              )
            : null,
          user: includes.includes('users')
            ? userObject(r.userId, [])
            : userRef(r.userId),
          start: iso(r.start),
          end: iso(r.end),
        })),
        query,
        'oncalls',
      );
    } else {
      return notFound;
    }
    if (result && typeof result === 'object' && 'error' in result) {
      const { status, error: message } = result as {
        status: number;
        error: string;
      };
      return {
        status,
        body: specError('Invalid Input Provided', 2001, [message]),
      };
    }
    return { status: 200, body: result };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    received++;
    const key = /^Token token=(.+)$/.exec(req.headers.authorization ?? '')?.[1];
    requestsByKey.set(
      key ?? '(none)',
      (requestsByKey.get(key ?? '(none)') ?? 0) + 1,
    );
    const route = `${req.method} ${new URL(
      req.url ?? '/',
      'http://fake',
    ).pathname.replace(/^\/(services|users)\/[^/]+/, '/$1/{id}')}`;
    requestsByRoute.set(route, (requestsByRoute.get(route) ?? 0) + 1);
    let reply: { status: number; body: unknown };
    if (!key || !options.apiKeys.includes(key)) {
      reply = { status: 401, body: specError('Unauthorized', 2006) };
    } else if (rateLimitEvery > 0 && received % rateLimitEvery === 0) {
      rateLimited++;
      reply = { status: 429, body: specError('Rate Limit Exceeded', 2020) };
    } else {
      reply = answer(req);
    }
    setTimeout(() => {
      res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    }, options.latencyMs);
  });
  // Both clients keep connections alive; so does PagerDuty.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requestsByKey,
    requestsByRoute,
    get rateLimited() {
      return rateLimited;
    },
    setRateLimitEvery(n: number) {
      rateLimitEvery = n;
    },
    expected(serviceId: string, at: Date): ExpectedOnCall {
      const service = servicesById.get(serviceId)!;
      const t = at.getTime();
      const records = onCallsOf(model, service.policyId, t, t);
      const levels = model.policies
        .get(service.policyId)!
        .rules.map((_, i) => ({
          userIds: records.filter(r => r.level === i + 1).map(r => r.userId),
        }));
      return { serviceId, policyId: service.policyId, levels };
    },
    user: id => model.users.get(id),
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
