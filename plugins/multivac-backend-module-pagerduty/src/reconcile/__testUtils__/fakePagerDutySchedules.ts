/*
 * A writable fake PagerDuty account for the schedule reconcile, written from
 * PagerDuty's OpenAPI description like bench/fakePagerDutyFromSpec.ts (whose
 * shared pieces are in ./pagerDutySpec.ts): the endpoints the reconcile and
 * the import call, with request bodies checked as the spec describes them.
 *
 * - GET /users (`limit`, `offset`, `more`).
 * - GET/POST /schedules, GET/PUT /schedules/{id}: `Schedule` (required
 *   `type: schedule`, `time_zone`), `ScheduleLayer` (required `start`,
 *   `users`, `rotation_virtual_start`, `rotation_turn_length_seconds`;
 *   date-times, an integer turn length), `ScheduleLayerUser` (a
 *   `user_reference` of a known user), `Restriction` (`type`
 *   daily/weekly_restriction, integer `duration_seconds`, `start_time_of_day`
 *   HH:mm:ss, `start_day_of_week` 1..7, required for weekly). Layers sent
 *   with an `id` keep it; layers left out of a PUT are gone (ended).
 * - POST /escalation_policies, GET/PUT /escalation_policies/{id}:
 *   `EscalationPolicy` (required `type: escalation_policy`, `name`,
 *   `escalation_rules`; `num_loops` an integer from 0), `EscalationRule`
 *   (required integer `escalation_delay_in_minutes`, 1..10 `targets` of the
 *   `EscalationTargetReference` types, naming known users or schedules).
 * - GET/PUT /services/{id}: `escalation_policy` an
 *   `escalation_policy_reference` to a known policy.
 * - `Authorization: Token token=<key>`, else 401; unknown ids 404; a body
 *   that breaks the schema 400 with the spec's error body naming the field;
 *   writes without `Content-Type: application/json` 400.
 * - Faults on demand: a status (429 with `Retry-After`, 5xx) or a dropped
 *   connection, for any request or one route, a number of times.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { SPEC_API, specError, specPage, specReference } from './pagerDutySpec';

const HTML = 'https://fake.pagerduty.example';
/** RFC 3339 date-time, as the spec's `format: date-time`. */
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** The spec's `format: partial-time` for `start_time_of_day`. */
const PARTIAL_TIME = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const TARGET_TYPES = [
  'user',
  'schedule',
  'user_reference',
  'schedule_reference',
  'schedule_v3_reference',
];

export interface FakeUser {
  id: string;
  name: string;
  email: string;
}

export interface FakeService {
  id: string;
  name: string;
  escalationPolicyId: string;
}

/** Stored as PagerDuty returns them (ids assigned). */
export type FakeObject = { id: string } & Record<string, any>;

export interface RecordedWrite {
  method: string;
  path: string;
  body: unknown;
}

export interface FakeFault {
  /** `METHOD /collection` or `METHOD /collection/{id}`; any request without it. */
  route?: string;
  /** An HTTP status to answer, or a connection closed without an answer. */
  answer: number | 'network';
  retryAfterSeconds?: number;
  /** How many matching requests get it. Default 1. */
  times?: number;
}

export interface FakePagerDutySchedules {
  url: string;
  apiToken: string;
  /** Every request received: `METHOD /path`, faults included. */
  requests: string[];
  /** The writes PagerDuty accepted (2xx), in order. */
  writes: RecordedWrite[];
  schedules: Map<string, FakeObject>;
  escalationPolicies: Map<string, FakeObject>;
  services: Map<string, FakeService>;
  users: FakeUser[];
  fault(fault: FakeFault): void;
  close(): Promise<void>;
}

export async function startFakePagerDutySchedules(options: {
  users: FakeUser[];
  services?: FakeService[];
  /** Policies the services start with, as `EscalationPolicy` bodies. */
  escalationPolicies?: FakeObject[];
  schedules?: FakeObject[];
}): Promise<FakePagerDutySchedules> {
  const apiToken = 'fake-pagerduty-token';
  const users = options.users;
  const usersById = new Map(users.map(u => [u.id, u]));
  const schedules = new Map(
    (options.schedules ?? []).map(s => [s.id, structuredClone(s)]),
  );
  const escalationPolicies = new Map(
    (options.escalationPolicies ?? []).map(p => [p.id, structuredClone(p)]),
  );
  const services = new Map((options.services ?? []).map(s => [s.id, s]));
  const requests: string[] = [];
  const writes: RecordedWrite[] = [];
  const faults: Array<FakeFault & { left: number }> = [];
  let nextId = 1;
  const newId = (prefix: string) =>
    `${prefix}${String(nextId++).padStart(5, '0')}`;

  const userRef = (id: string) =>
    specReference(HTML, 'user', id, usersById.get(id)!.name, 'users');

  function userObject(user: FakeUser) {
    return {
      ...userRef(user.id),
      type: 'user',
      name: user.name,
      email: user.email,
      time_zone: 'Europe/Berlin',
      role: 'user',
      contact_methods: [],
      notification_rules: [],
      teams: [],
    };
  }

  function scheduleObject(schedule: FakeObject) {
    return {
      ...schedule,
      type: 'schedule',
      summary: schedule.name,
      self: `${SPEC_API}/schedules/${schedule.id}`,
      html_url: `${HTML}/schedules/${schedule.id}`,
      schedule_layers: schedule.schedule_layers.map((layer: FakeObject) => ({
        ...layer,
        end: layer.end ?? null,
        users: layer.users.map((u: { user: { id: string } }) => ({
          user: userRef(u.user.id),
        })),
        restrictions: layer.restrictions ?? [],
      })),
      users: [
        ...new Set(
          schedule.schedule_layers.flatMap((l: FakeObject) =>
            l.users.map((u: { user: { id: string } }) => u.user.id),
          ),
        ),
      ].map(id => userRef(id as string)),
      escalation_policies: [...escalationPolicies.values()]
        .filter(p =>
          p.escalation_rules.some((r: FakeObject) =>
            r.targets.some((t: FakeObject) => t.id === schedule.id),
          ),
        )
        .map(p =>
          specReference(
            HTML,
            'escalation_policy',
            p.id,
            p.name,
            'escalation_policies',
          ),
        ),
      teams: [],
    };
  }

  function policyObject(policy: FakeObject) {
    return {
      num_loops: 0,
      on_call_handoff_notifications: 'if_has_services',
      ...policy,
      type: 'escalation_policy',
      summary: policy.name,
      self: `${SPEC_API}/escalation_policies/${policy.id}`,
      html_url: `${HTML}/escalation_policies/${policy.id}`,
      escalation_rules: policy.escalation_rules.map((rule: FakeObject) => ({
        ...rule,
        targets: rule.targets.map((t: FakeObject) =>
          t.type.startsWith('user')
            ? userRef(t.id)
            : specReference(
                HTML,
                'schedule',
                t.id,
                schedules.get(t.id)?.name ?? t.id,
                'schedules',
              ),
        ),
      })),
      services: [...services.values()]
        .filter(s => s.escalationPolicyId === policy.id)
        .map(s => specReference(HTML, 'service', s.id, s.name, 'services')),
      teams: [],
    };
  }

  function serviceObject(service: FakeService) {
    const policy = escalationPolicies.get(service.escalationPolicyId);
    return {
      ...specReference(HTML, 'service', service.id, service.name, 'services'),
      type: 'service',
      name: service.name,
      status: 'active',
      escalation_policy: specReference(
        HTML,
        'escalation_policy',
        service.escalationPolicyId,
        policy?.name ?? service.escalationPolicyId,
        'escalation_policies',
      ),
      teams: [],
      integrations: [],
    };
  }

  /** Problems of a `Schedule` request body, each naming its field. */
  function scheduleProblems(body: any): string[] {
    const problems: string[] = [];
    const schedule = body?.schedule;
    if (!isObject(schedule)) {
      return ['schedule is required'];
    }
    if (schedule.type !== 'schedule') {
      problems.push('schedule.type must be schedule');
    }
    if (typeof schedule.time_zone !== 'string' || !schedule.time_zone) {
      problems.push('schedule.time_zone is required');
    }
    optionalString(problems, schedule, 'schedule', 'name');
    optionalString(problems, schedule, 'schedule', 'description');
    if (schedule.schedule_layers === undefined) {
      return problems;
    }
    if (!Array.isArray(schedule.schedule_layers)) {
      return [...problems, 'schedule.schedule_layers must be an array'];
    }
    schedule.schedule_layers.forEach((layer: any, i: number) => {
      const at = `schedule.schedule_layers[${i}]`;
      if (!isObject(layer)) {
        problems.push(`${at} must be an object`);
        return;
      }
      for (const key of ['start', 'rotation_virtual_start']) {
        if (typeof layer[key] !== 'string' || !DATE_TIME.test(layer[key])) {
          problems.push(`${at}.${key} must be a date-time`);
        }
      }
      if (
        layer.end !== undefined &&
        layer.end !== null &&
        !DATE_TIME.test(layer.end)
      ) {
        problems.push(`${at}.end must be a date-time`);
      }
      if (!Number.isInteger(layer.rotation_turn_length_seconds)) {
        problems.push(`${at}.rotation_turn_length_seconds must be an integer`);
      }
      optionalString(problems, layer, at, 'name');
      if (!Array.isArray(layer.users)) {
        problems.push(`${at}.users is required`);
      } else {
        layer.users.forEach((u: any, j: number) => {
          const user = u?.user;
          if (
            !isObject(user) ||
            user.type !== 'user_reference' ||
            typeof user.id !== 'string'
          ) {
            problems.push(`${at}.users[${j}].user must be a user_reference`);
          } else if (!usersById.has(user.id)) {
            problems.push(`${at}.users[${j}].user: no user ${user.id}`);
          }
        });
      }
      (layer.restrictions ?? []).forEach((r: any, j: number) => {
        const rat = `${at}.restrictions[${j}]`;
        if (!['daily_restriction', 'weekly_restriction'].includes(r?.type)) {
          problems.push(
            `${rat}.type must be daily_restriction or weekly_restriction`,
          );
        }
        if (!Number.isInteger(r?.duration_seconds)) {
          problems.push(`${rat}.duration_seconds must be an integer`);
        }
        if (
          typeof r?.start_time_of_day !== 'string' ||
          !PARTIAL_TIME.test(r.start_time_of_day)
        ) {
          problems.push(`${rat}.start_time_of_day must be HH:mm:ss`);
        }
        const day = r?.start_day_of_week;
        if (
          (r?.type === 'weekly_restriction' || day !== undefined) &&
          !(Number.isInteger(day) && day >= 1 && day <= 7)
        ) {
          problems.push(`${rat}.start_day_of_week must be an integer 1..7`);
        }
      });
    });
    return problems;
  }

  /** Problems of an `EscalationPolicy` request body. */
  function policyProblems(body: any): string[] {
    const problems: string[] = [];
    const policy = body?.escalation_policy;
    if (!isObject(policy)) {
      return ['escalation_policy is required'];
    }
    if (policy.type !== 'escalation_policy') {
      problems.push('escalation_policy.type must be escalation_policy');
    }
    if (typeof policy.name !== 'string' || !policy.name) {
      problems.push('escalation_policy.name is required');
    }
    optionalString(problems, policy, 'escalation_policy', 'description');
    if (
      policy.num_loops !== undefined &&
      !(Number.isInteger(policy.num_loops) && policy.num_loops >= 0)
    ) {
      problems.push('escalation_policy.num_loops must be an integer from 0');
    }
    if (!Array.isArray(policy.escalation_rules)) {
      return [...problems, 'escalation_policy.escalation_rules is required'];
    }
    policy.escalation_rules.forEach((rule: any, i: number) => {
      const at = `escalation_policy.escalation_rules[${i}]`;
      if (!Number.isInteger(rule?.escalation_delay_in_minutes)) {
        problems.push(`${at}.escalation_delay_in_minutes must be an integer`);
      }
      if (
        !Array.isArray(rule?.targets) ||
        rule.targets.length < 1 ||
        rule.targets.length > 10
      ) {
        problems.push(`${at}.targets must have 1 to 10 items`);
        return;
      }
      rule.targets.forEach((t: any, j: number) => {
        if (typeof t?.id !== 'string' || !TARGET_TYPES.includes(t?.type)) {
          problems.push(`${at}.targets[${j}] must be an escalation target`);
        } else if (
          t.type.startsWith('user')
            ? !usersById.has(t.id)
            : !schedules.has(t.id)
        ) {
          problems.push(`${at}.targets[${j}]: no ${t.type} ${t.id}`);
        }
      });
    });
    return problems;
  }

  function serviceProblems(body: any): string[] {
    const service = body?.service;
    if (!isObject(service)) {
      return ['service is required'];
    }
    const problems: string[] = [];
    if (service.type !== undefined && service.type !== 'service') {
      problems.push('service.type must be service');
    }
    const ref = service.escalation_policy;
    if (ref !== undefined) {
      if (
        !isObject(ref) ||
        ref.type !== 'escalation_policy_reference' ||
        typeof ref.id !== 'string'
      ) {
        problems.push(
          'service.escalation_policy must be an escalation_policy_reference',
        );
      } else if (!escalationPolicies.has(ref.id)) {
        problems.push(`service.escalation_policy: no policy ${ref.id}`);
      }
    }
    return problems;
  }

  /** What a write stores: the request's fields, PagerDuty's ids. */
  function storedSchedule(id: string, body: any, previous?: FakeObject) {
    const { schedule } = body;
    return {
      ...(previous ?? {}),
      id,
      name: schedule.name ?? previous?.name ?? id,
      description: schedule.description ?? previous?.description ?? null,
      time_zone: schedule.time_zone,
      schedule_layers: (schedule.schedule_layers ?? []).map((layer: any) => ({
        ...layer,
        id:
          layer.id &&
          previous?.schedule_layers.some((l: FakeObject) => l.id === layer.id)
            ? layer.id
            : newId('PL'),
        name: layer.name ?? 'Layer',
      })),
    };
  }

  function storedPolicy(id: string, body: any) {
    const { escalation_policy: policy } = body;
    return {
      id,
      name: policy.name,
      description: policy.description ?? null,
      num_loops: policy.num_loops ?? 0,
      escalation_rules: policy.escalation_rules.map((rule: any) => ({
        id: rule.id ?? newId('PR'),
        escalation_delay_in_minutes: rule.escalation_delay_in_minutes,
        targets: rule.targets.map((t: any) => ({
          id: t.id,
          type: t.type.startsWith('user')
            ? 'user_reference'
            : 'schedule_reference',
        })),
      })),
    };
  }

  function answer(
    method: string,
    parts: string[],
    query: URLSearchParams,
    body: unknown,
  ): { status: number; body: unknown } {
    const notFound = { status: 404, body: specError('Not Found', 2100) };
    const invalid = (problems: string[]) => ({
      status: 400,
      body: specError('Invalid Input Provided', 2001, problems),
    });
    const [collection, id] = parts;
    const route = `${method} /${collection}${id ? '/{id}' : ''}`;
    switch (route) {
      case 'GET /users': {
        const result = specPage(users.map(userObject), query, 'users');
        return 'error' in result ? invalid([String(result.error)]) : ok(result);
      }
      case 'GET /schedules': {
        const result = specPage(
          [...schedules.values()].map(scheduleObject),
          query,
          'schedules',
        );
        return 'error' in result ? invalid([String(result.error)]) : ok(result);
      }
      case 'GET /schedules/{id}': {
        const schedule = schedules.get(id);
        return schedule ? ok({ schedule: scheduleObject(schedule) }) : notFound;
      }
      case 'POST /schedules': {
        const problems = scheduleProblems(body);
        if (problems.length) {
          return invalid(problems);
        }
        const schedule = storedSchedule(newId('PSCH'), body);
        schedules.set(schedule.id, schedule);
        return { status: 201, body: { schedule: scheduleObject(schedule) } };
      }
      case 'PUT /schedules/{id}': {
        const previous = schedules.get(id);
        if (!previous) {
          return notFound;
        }
        const problems = scheduleProblems(body);
        if (problems.length) {
          return invalid(problems);
        }
        const schedule = storedSchedule(id, body, previous);
        schedules.set(id, schedule);
        return ok({ schedule: scheduleObject(schedule) });
      }
      case 'GET /escalation_policies/{id}': {
        const policy = escalationPolicies.get(id);
        return policy
          ? ok({ escalation_policy: policyObject(policy) })
          : notFound;
      }
      case 'POST /escalation_policies': {
        const problems = policyProblems(body);
        if (problems.length) {
          return invalid(problems);
        }
        const policy = storedPolicy(newId('PEP'), body);
        escalationPolicies.set(policy.id, policy);
        return {
          status: 201,
          body: { escalation_policy: policyObject(policy) },
        };
      }
      case 'PUT /escalation_policies/{id}': {
        if (!escalationPolicies.has(id)) {
          return notFound;
        }
        const problems = policyProblems(body);
        if (problems.length) {
          return invalid(problems);
        }
        const policy = storedPolicy(id, body);
        escalationPolicies.set(id, policy);
        return ok({ escalation_policy: policyObject(policy) });
      }
      case 'GET /services/{id}': {
        const service = services.get(id);
        return service ? ok({ service: serviceObject(service) }) : notFound;
      }
      case 'PUT /services/{id}': {
        const service = services.get(id);
        if (!service) {
          return notFound;
        }
        const problems = serviceProblems(body);
        if (problems.length) {
          return invalid(problems);
        }
        const changes = (body as any).service;
        const updated = {
          ...service,
          name: changes.name ?? service.name,
          escalationPolicyId:
            changes.escalation_policy?.id ?? service.escalationPolicyId,
        };
        services.set(id, updated);
        return ok({ service: serviceObject(updated) });
      }
      default:
        return notFound;
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const parts = url.pathname.split('/').filter(Boolean);
      const method = req.method ?? 'GET';
      const route = `${method} /${parts[0] ?? ''}${parts[1] ? '/{id}' : ''}`;
      requests.push(`${method} ${url.pathname}`);
      const send = (
        status: number,
        body: unknown,
        headers: Record<string, string> = {},
      ) => {
        res.writeHead(status, {
          'Content-Type': 'application/json',
          ...headers,
        });
        res.end(JSON.stringify(body));
      };
      const fault = faults.find(
        f => f.left > 0 && (!f.route || f.route === route),
      );
      if (fault) {
        fault.left--;
        if (fault.answer === 'network') {
          req.socket.destroy();
          return;
        }
        send(
          fault.answer,
          specError(
            fault.answer === 429 ? 'Rate Limit Exceeded' : 'Internal Error',
            fault.answer === 429 ? 2020 : 2000,
          ),
          fault.retryAfterSeconds !== undefined
            ? { 'Retry-After': String(fault.retryAfterSeconds) }
            : {},
        );
        return;
      }
      const key = /^Token token=(.+)$/.exec(
        req.headers.authorization ?? '',
      )?.[1];
      if (key !== apiToken) {
        send(401, specError('Unauthorized', 2006));
        return;
      }
      let body: unknown;
      if (method !== 'GET') {
        if (
          !(req.headers['content-type'] ?? '').startsWith('application/json')
        ) {
          send(
            400,
            specError('Invalid Input Provided', 2001, [
              'Content-Type must be application/json',
            ]),
          );
          return;
        }
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          send(400, specError('Invalid Input Provided', 2001, ['not JSON']));
          return;
        }
      }
      const reply = answer(method, parts, url.searchParams, body);
      if (method !== 'GET' && reply.status < 300) {
        writes.push({ method, path: url.pathname, body });
      }
      send(reply.status, reply.body);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiToken,
    requests,
    writes,
    schedules,
    escalationPolicies,
    services,
    users,
    fault(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function ok(body: unknown) {
  return { status: 200, body };
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(
  problems: string[],
  object: Record<string, unknown>,
  at: string,
  key: string,
) {
  if (object[key] !== undefined && typeof object[key] !== 'string') {
    problems.push(`${at}.${key} must be a string`);
  }
}
