import { mockServices } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { Server } from 'http';
import { Knex } from 'knex';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { asAda, startBackend } from '../__testUtils__/testBackend';
import { eventually } from '../__testUtils__/waitFor';
import alertmanagerFixture from '../alerts/__fixtures__/alertmanager.json';
import datadogFixture from '../alerts/__fixtures__/datadog.json';
import genericFixture from '../alerts/__fixtures__/generic.json';
import grafanaFixture from '../alerts/__fixtures__/grafana.json';
import sumologicFixture from '../alerts/__fixtures__/sumologic.json';
import zendeskFixture from '../alerts/__fixtures__/zendesk.json';

/**
 * Bad input never gets a 5xx (issue 14): property-based requests over every
 * state-changing and listing route, on SQLite and on PostgreSQL, and the
 * inputs the audit found as named regression tests.
 */

jest.setTimeout(180_000);

/** Fixed, so a failure reproduces; `FUZZ_SEED` tries others. */
const SEED = Number(process.env.FUZZ_SEED ?? 14);
/** Requests per database, over all routes. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
/** Requests per database to the routes added since (issue 20). */
const NEWER_RUNS = Number(process.env.FUZZ_NEWER_RUNS ?? 1500);
/** Signed alert deliveries per database (issue 20). */
const INGEST_RUNS = Number(process.env.FUZZ_INGEST_RUNS ?? 300);

const databases = createTestDatabases();

const incident = {
  title: 'Checkout fails',
  severity: 'SEV2',
  entityRefs: ['payments-api'],
};
const report = {
  title: 'Card payments fail',
  entityRef: 'payments-api',
  usersAffected: 'few',
  scope: 'global',
  customerFacing: true,
  links: ['https://grafana.example.com/d/payments'],
};
const release = {
  entityRef: 'payments-api',
  title: 'v2.4.1',
  environment: 'production',
  start: '2030-11-24T14:10:00Z',
  end: '2030-11-24T15:00:00Z',
};
const page = {
  entityRef: 'payments-api',
  summary: 'Checkout is failing',
  details: { region: 'eu', errors: [1, 2] },
};

/** Each vendor's documented payload (`src/alerts/__fixtures__`). */
const FIXTURES = {
  alertmanager: alertmanagerFixture,
  grafana: grafanaFixture,
  generic: genericFixture,
  datadog: datadogFixture,
  sumologic: sumologicFixture,
  zendesk: zendeskFixture,
} as const;
type Vendor = keyof typeof FIXTURES;
const VENDORS = Object.keys(FIXTURES) as Vendor[];

/** The secret of every configured integration below. */
const SECRET = 'fuzz-secret-0123456789';
const integrationOf = (vendor: Vendor) => `fuzz-${vendor}`;

/** One configured (app-config) integration per vendor, routed to payments-api. */
const alertsConfig = {
  jobs: { pollIntervalSeconds: 0.1, initialBackoffSeconds: 0.1 },
  alerts: {
    integrations: VENDORS.map(vendor => ({
      id: integrationOf(vendor),
      name: `Fuzzed ${vendor}`,
      vendor,
      secrets: [SECRET],
      defaultEntityRef: 'component:default/payments-api',
      ...(vendor === 'zendesk' && { zendeskUrl: 'https://acme.zendesk.com' }),
    })),
  },
};

/** A JSON text nested `depth` levels deep, built without recursion. */
const deeplyNested = (depth: number, key = 'a') =>
  `${`{"${key}":`.repeat(depth)}1${'}'.repeat(depth)}`;

// ---------------------------------------------------------------- arbitraries

/** `javascript:`, spelled so that linters do not take it for code. */
const SCRIPT = ['java', 'script:'].join('');

const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'INC-1\u0000',
  '1e20',
  '1e21',
  '-1',
  '2147483648',
  '99999999999',
  '9007199254740993',
  'NaN',
  'Infinity',
  '0x10',
  'INC-99999999999',
  'INC-2147483648',
  'REL-0',
  'component:default/payments-api',
  'payments-api',
  '0000-01-01T00:00:00Z',
  '0000-01-01',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '2026-02-30',
  `${SCRIPT}alert(1)`,
  'data:text/html,<script>alert(1)</script>',
  'file:///etc/passwd',
  "'; DROP TABLE multivac_incidents; --",
  '\ud800',
  '😀'.repeat(300),
  'x'.repeat(256),
  'x'.repeat(70_000),
);

/** Text with a NUL byte somewhere (PostgreSQL cannot store one). */
const withNul = fc
  .tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }))
  .map(([a, b]) => `${a}\u0000${b}`);

const scalar = fc.oneof(
  { weight: 4, arbitrary: nasty },
  withNul,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e20, 1e308, -1, 2147483648, 99999999999, 0.5, true, null),
);

const anyValue = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), scalar, {
      maxKeys: 4,
    }),
  },
);

/**
 * A body: a valid one with some fields replaced (or dropped), or arbitrary
 * JSON, or JSON nested thousands deep.
 */
const body = (valid: Record<string, unknown>) => {
  const keys = [...Object.keys(valid), 'unexpected'];
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.subarray(keys, {
            minLength: 1,
            maxLength: Math.min(2, keys.length),
          }),
          fc.array(fc.option(anyValue, { freq: 8 }), {
            minLength: keys.length,
            maxLength: keys.length,
          }),
        )
        .map(([changed, values]) => {
          const result: Record<string, unknown> = { ...valid };
          changed.forEach((key, i) => {
            if (values[i] === null) {
              delete result[key];
            } else {
              result[key] = values[i];
            }
          });
          return result;
        }),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 6, max: 6000 })
        .map(depth => ({ raw: deeplyNested(depth) })),
    },
  );
};

const queryValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.oneof(nasty, withNul, fc.string({ unit: 'binary' })),
  },
  {
    weight: 1,
    arbitrary: fc.array(fc.oneof(nasty, fc.string()), { maxLength: 80 }),
  },
);

/** A query string over `keys` (and one unknown key). */
const query = (keys: string[]) =>
  fc
    .dictionary(fc.constantFrom(...keys, 'unknown'), queryValue, {
      maxKeys: 4,
    })
    .map(params => {
      const search = new URLSearchParams();
      for (const [key, v] of Object.entries(params)) {
        for (const one of [v].flat()) {
          search.append(key, one);
        }
      }
      return search.toString();
    });

/** Percent-encodes the UTF-8 of `value` (a lone surrogate becomes U+FFFD). */
const encodePathSegment = (value: string) =>
  Array.from(Buffer.from(value, 'utf8'))
    .map(byte =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

/** A path id: one that exists, or a hostile one (some badly escaped). */
const id = (existing: string[]) =>
  fc.oneof(
    fc
      .oneof(
        fc.constantFrom(...existing),
        nasty,
        fc.string({ unit: 'binary', maxLength: 30 }),
      )
      .filter(v => v.length > 0)
      .map(encodePathSegment),
    fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%80'),
  );

type Method = 'get' | 'post' | 'patch' | 'delete';
interface Call {
  method: Method;
  path: string;
  body?: unknown;
  /** Sent as `application/x-www-form-urlencoded` instead of JSON. */
  form?: string;
}

const call = (
  method: Method,
  path: fc.Arbitrary<string>,
  payload?: fc.Arbitrary<unknown>,
): fc.Arbitrary<Call> =>
  payload
    ? fc.tuple(path, payload).map(([p, b]) => ({ method, path: p, body: b }))
    : path.map(p => ({ method, path: p }));

const fixed = (path: string) => fc.constant(path);
const under = (prefix: string, ids: fc.Arbitrary<string>, suffix = '') =>
  ids.map(v => `${prefix}/${v}${suffix}`);
const withQuery = (path: string, keys: string[]) =>
  query(keys).map(q => `${path}?${q}`);
/** An urlencoded form body over `keys` (and one unknown key). */
const form = (keys: string[]) => query(keys);

interface Ids {
  incident: string[];
  report: string[];
  release: string[];
  postmortem: string[];
  page: string[];
  actionItem: string[];
  schedule: string[];
  override: string[];
  integration: string[];
  alertGroup: string[];
}

/** The state-changing and listing routes of issue 14, with inputs for them. */
function routes(ids: Ids): fc.Arbitrary<Call> {
  const incidentId = id(ids.incident);
  const postmortemId = id(ids.postmortem);
  const listKeys = ['limit', 'offset'];
  return fc.oneof(
    call('post', fixed('/incidents'), body(incident)),
    call(
      'get',
      withQuery('/incidents', [
        ...listKeys,
        'entityRef',
        'status',
        'severity',
        'from',
        'to',
      ]),
    ),
    call('get', under('/incidents', incidentId)),
    call('patch', under('/incidents', incidentId), body({ title: 'Renamed' })),
    call(
      'post',
      under('/incidents', incidentId, '/transitions'),
      body({ to: 'acknowledged', note: 'on it' }),
    ),
    call(
      'post',
      under('/incidents', incidentId, '/roles'),
      body({ role: 'responder', userRef: 'user:default/grace.hopper' }),
    ),
    call(
      'post',
      under('/incidents', incidentId, '/notes'),
      body({ text: 'A note' }),
    ),
    call('get', under('/incidents', incidentId, '/timeline')),
    call('post', under('/incidents', incidentId, '/postmortem')),
    call('post', fixed('/pages'), body(page)),
    call('get', withQuery('/pages', ['limit', 'entityRef'])),
    call('post', under('/pages', id(ids.page), '/acknowledge')),
    call('get', withQuery('/oncall', ['entityRef', 'at'])),
    call('get', withQuery('/oncall/schedules', ['from', 'days'])),
    call('post', fixed('/reports'), body(report)),
    call('get', withQuery('/reports', [...listKeys, 'state'])),
    call('get', under('/reports', id(ids.report))),
    call('post', under('/reports', id(ids.report), '/incident')),
    call(
      'get',
      withQuery('/postmortems', [
        ...listKeys,
        'q',
        'entityRef',
        'owner',
        'severity',
        'status',
        'overdue',
      ]),
    ),
    call(
      'patch',
      under('/postmortems', postmortemId),
      body({ sections: { summary: 'What happened' }, dueDate: '2030-01-01' }),
    ),
    call(
      'post',
      under('/postmortems', postmortemId, '/status'),
      body({ status: 'in_review' }),
    ),
    call(
      'post',
      under('/postmortems', postmortemId, '/action-items'),
      body({ title: 'Add an alert', dueDate: '2030-01-01' }),
    ),
    call(
      'patch',
      fc
        .tuple(postmortemId, id(ids.actionItem))
        .map(([p, a]) => `/postmortems/${p}/action-items/${a}`),
      body({ status: 'done', dueDate: null }),
    ),
    call(
      'delete',
      fc
        .tuple(postmortemId, id(ids.actionItem))
        .map(([p, a]) => `/postmortems/${p}/action-items/${a}`),
    ),
    call('post', fixed('/releases'), body(release)),
    call('post', fixed('/releases/check'), body(release)),
    call(
      'get',
      withQuery('/releases', [
        ...listKeys,
        'entityRef',
        'environment',
        'status',
        'from',
        'to',
        'withConflicts',
      ]),
    ),
    call(
      'get',
      withQuery('/releases/around', [
        'entityRef',
        'from',
        'to',
        'environment',
        'status',
      ]),
    ),
    call(
      'get',
      withQuery('/releases/calendar.ics', [
        'token',
        'entityRef',
        'environment',
      ]),
    ),
    call(
      'patch',
      under('/releases', id(ids.release)),
      body({ notes: 'Rolled out' }),
    ),
    call(
      'post',
      under('/releases', id(ids.release), '/status'),
      body({ to: 'in_progress' }),
    ),
  );
}

/** The routes added since issue 14 (the audit of issue 20). */
function newerRoutes(ids: Ids): fc.Arbitrary<Call> {
  const incidentId = id(ids.incident);
  const postmortemId = id(ids.postmortem);
  const scheduleId = id(ids.schedule);
  const integrationId = id(ids.integration);
  const groupId = id(ids.alertGroup);
  const listKeys = ['limit', 'offset'];
  const insightsKeys = ['period', 'end', 'team', 'service', 'severity'];
  return fc.oneof(
    call('get', fixed('/health')),
    call('get', under('/incidents', incidentId, '/postmortem')),
    call('get', under('/postmortems', postmortemId)),
    call('get', under('/postmortems', postmortemId, '/markdown')),
    call('post', under('/postmortems', postmortemId, '/approve'), body({})),
    call(
      'post',
      under('/postmortems', postmortemId, '/reopen'),
      body({ reason: 'Missed a cause' }),
    ),
    call('get', withQuery('/action-items', ['owner', 'status', 'limit'])),
    call('get', fixed('/action-items?owner=me')),
    call('get', under('/pages', id(ids.page))),
    call('get', withQuery('/oncall/card', ['entityRef'])),
    call('get', under('/oncall/schedules', scheduleId, '/overrides')),
    call(
      'post',
      under('/oncall/schedules', scheduleId, '/overrides'),
      body({
        userRef: 'user:default/grace.hopper',
        start: '2030-11-24T09:00:00Z',
        end: '2030-11-24T17:00:00Z',
        reason: 'Covering',
      }),
    ),
    call(
      'delete',
      fc
        .tuple(scheduleId, id(ids.override))
        .map(([s, o]) => `/oncall/schedules/${s}/overrides/${o}`),
    ),
    call('get', fixed('/reports/rubric')),
    call('get', under('/releases', id(ids.release))),
    call('get', fixed('/releases/environments')),
    call('post', fixed('/releases/feed-token'), body({ expiresInDays: 30 })),
    call('get', fixed('/releases/feed-token')),
    call('delete', fixed('/releases/feed-token')),
    call('get', withQuery('/insights/incidents', insightsKeys)),
    call(
      'get',
      withQuery('/insights/interruptions', [...insightsKeys, 'person']),
    ),
    call('get', withQuery('/insights/digest', ['team', 'hours'])),
    call(
      'get',
      withQuery('/insights/oncall-load', ['period', 'end', 'team', 'person']),
    ),
    call(
      'get',
      withQuery('/insights/change-failure', [
        'period',
        'end',
        'team',
        'service',
      ]),
    ),
    call('get', withQuery('/insights/report-card', ['team', 'period', 'end'])),
    call('get', withQuery('/paging/acknowledge', ['token'])),
    form(['token']).map(
      (f): Call => ({ method: 'post', path: '/paging/acknowledge', form: f }),
    ),
    call('get', fixed('/alerts/integrations')),
    call(
      'post',
      fixed('/alerts/integrations'),
      body({
        id: 'fuzzed',
        name: 'Fuzzed',
        vendor: 'generic',
        defaultEntityRef: 'payments-api',
        urgency: { critical: 'high' },
        groupWindowMinutes: 5,
      }),
    ),
    call(
      'post',
      under('/alerts/integrations', integrationId, '/rotate-secret'),
      body({ graceMinutes: 5 }),
    ),
    call(
      'post',
      under('/alerts/integrations', integrationId, '/preview'),
      fc.oneof(
        body({ payload: { summary: 'Disk full', severity: 'critical' } }),
        body({ last: 3 }),
      ),
    ),
    // Signed in but unsigned deliveries, to any id; signed ones: below.
    call('post', under('/alerts/integrations', integrationId), body({})),
    call('delete', under('/alerts/integrations', integrationId)),
    call(
      'get',
      withQuery('/alerts', [
        ...listKeys,
        'status',
        'urgency',
        'entityRef',
        'integration',
      ]),
    ),
    call('get', under('/alerts/groups', groupId)),
    call(
      'post',
      under('/alerts/groups', groupId, '/incident'),
      body({ title: 'Disk full', severity: 'SEV3' }),
    ),
    call('post', under('/alerts/groups', groupId, '/acknowledge'), body({})),
    call('get', fixed('/alerts/dead-letters')),
  );
}

// ---------------------------------------------------------------- deliveries

type JsonPath = Array<string | number>;

/** Every path into a JSON value, the root's (`[]`) first. */
function pathsOf(value: unknown, at: JsonPath = []): JsonPath[] {
  const paths: JsonPath[] = [at];
  if (Array.isArray(value)) {
    value.forEach((v, i) => paths.push(...pathsOf(v, [...at, i])));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      paths.push(...pathsOf(v, [...at, key]));
    }
  }
  return paths;
}

/** `root` with the value at `path` replaced, or removed (`undefined`). */
function replaceAt(root: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) {
    return value;
  }
  let parent: any = root;
  for (const step of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') {
      return root; // an earlier change removed the way there
    }
    parent = parent[step];
  }
  if (parent === null || typeof parent !== 'object') {
    return root;
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent) && typeof last === 'number') {
      parent.splice(last, 1);
    } else {
      delete parent[last];
    }
  } else {
    parent[last] = value;
  }
  return root;
}

/** The vendor's payload with one to three values changed or removed. */
const almostLike = (fixture: unknown) => {
  const paths = pathsOf(fixture);
  // Mostly below the root: a replaced root is merely random JSON.
  const inner = paths.length > 1 ? paths.slice(1) : paths;
  return fc
    .tuple(
      fc.array(fc.constantFrom(...inner), { minLength: 1, maxLength: 3 }),
      fc.array(fc.option(anyValue, { freq: 3, nil: undefined }), {
        minLength: 3,
        maxLength: 3,
      }),
    )
    .map(([changed, values]) =>
      changed.reduce<unknown>(
        (root, path, i) => replaceAt(root, path, values[i]),
        structuredClone(fixture),
      ),
    );
};

const json = (value: unknown) => JSON.stringify(value) ?? '';

/** A raw delivery body for `vendor`: its payload, almost it, or anything. */
const deliveryBody = (vendor: Vendor): fc.Arbitrary<Buffer> =>
  fc
    .oneof(
      { weight: 1, arbitrary: fc.constant(json(FIXTURES[vendor])) },
      { weight: 5, arbitrary: almostLike(FIXTURES[vendor]).map(json) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...VENDORS)
          .filter(other => other !== vendor)
          .map(other => json(FIXTURES[other])),
      },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json) },
      { weight: 1, arbitrary: scalar.map(json) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
      { weight: 1, arbitrary: fc.constantFrom('', ' ', '{', '[]', 'null') },
      {
        weight: 1,
        arbitrary: fc.integer({ min: 6, max: 6000 }).map(deeplyNested),
      },
    )
    .map(raw => Buffer.from(raw as string | Uint8Array));

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  undefined,
);

const basic = (password: string) =>
  `Basic ${Buffer.from(`grafana:${password}`).toString('base64')}`;

/** What each vendor's sender can send to prove it knows the secret. */
function validAuth(vendor: Vendor, raw: Buffer): Array<Record<string, string>> {
  const ways: Array<Record<string, string>> = [
    { Authorization: `Bearer ${SECRET}` },
  ];
  if (vendor === 'alertmanager' || vendor === 'grafana') {
    ways.push({ Authorization: basic(SECRET) });
  }
  if (vendor === 'datadog' || vendor === 'sumologic') {
    ways.push({ 'X-Multivac-Secret': SECRET });
  }
  if (vendor === 'grafana') {
    const timestamp = String(Math.floor(Date.now() / 1000));
    ways.push({
      'X-Grafana-Alerting-Timestamp': timestamp,
      'X-Grafana-Alerting-Signature': createHmac('sha256', SECRET)
        .update(`${timestamp}:`)
        .update(raw)
        .digest('hex'),
    });
  }
  if (vendor === 'zendesk') {
    const timestamp = new Date().toISOString();
    ways.push({
      'X-Zendesk-Webhook-Signature-Timestamp': timestamp,
      'X-Zendesk-Webhook-Signature': createHmac('sha256', SECRET)
        .update(timestamp)
        .update(raw)
        .digest('base64'),
    });
  }
  return ways;
}

/** Header text a client can send (visible ASCII and spaces). */
const headerText = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);

/** Credentials that are not the integration's: none, wrong, or badly signed. */
const badAuth = fc.oneof(
  fc.constant({}),
  fc.constant({ Authorization: '' }),
  fc.constant({ Authorization: `Bearer ${SECRET.slice(0, -1)}` }),
  fc.constant({ Authorization: `Bearer ${SECRET}x` }),
  fc.constant({ Authorization: `Bearer ${SECRET.toUpperCase()}` }),
  fc.constant({ Authorization: `${SECRET}` }),
  fc.constant({ Authorization: basic(`${SECRET}x`) }),
  fc.constant({ Authorization: `Basic ${SECRET}` }),
  fc.constant({ 'X-Multivac-Secret': `${SECRET}x` }),
  headerText.map(v => ({ Authorization: `Bearer ${v}` })),
  headerText.map(v => ({ Authorization: v })),
  headerText.map(v => ({ Authorization: basic(v) })),
  headerText.map(v => ({ 'X-Multivac-Secret': v })),
  // A signature that is sent must be valid, even beside a valid secret.
  fc
    .tuple(headerText, fc.constantFrom('now', '', 'stale', 'junk'))
    .map(([signature, when]) => ({
      Authorization: `Bearer ${SECRET}`,
      'X-Grafana-Alerting-Signature': signature,
      'X-Grafana-Alerting-Timestamp': {
        now: String(Math.floor(Date.now() / 1000)),
        '': '',
        stale: String(Math.floor(Date.now() / 1000) - 3600),
        junk: '1e9',
      }[when]!,
      'X-Zendesk-Webhook-Signature': signature,
      'X-Zendesk-Webhook-Signature-Timestamp':
        when === 'now' ? new Date().toISOString() : when,
    })),
);

/** Whether `auth` can be valid for `vendor` (only the secret itself is). */
const isBadFor = (vendor: Vendor, auth: Record<string, string>) =>
  !validAuth(vendor, Buffer.alloc(0)).some(
    good => JSON.stringify(good) === JSON.stringify(auth),
  ) &&
  // Grafana and Zendesk: their signature headers decide; others ignore them.
  !(
    !['grafana', 'zendesk'].includes(vendor) &&
    auth.Authorization === `Bearer ${SECRET}`
  );

// ---------------------------------------------------------------- helpers

async function send(
  server: Server,
  { method, path, body: payload, form: formBody }: Call,
) {
  const req = request(server)[method](`/api/multivac${path}`).set(asAda);
  if (formBody !== undefined) {
    return req
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(formBody);
  }
  if (payload === undefined) {
    return req;
  }
  // As JSON text, so that scalars and 5,000-deep documents go as they are.
  const raw =
    payload !== null &&
    typeof payload === 'object' &&
    'raw' in payload &&
    Object.keys(payload).length === 1
      ? (payload as { raw: string }).raw
      : JSON.stringify(payload);
  return req.set('Content-Type', 'application/json').send(raw);
}

/** The response of a setup request, which must have created something. */
function created201(res: request.Response) {
  if (res.status !== 201) {
    throw new Error(`setup failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res;
}

/**
 * Inside a property: throws (with what was sent and answered) when `actual`
 * is not `expected`, so that fast-check reports the input.
 */
function same(said: string, actual: unknown, expected: unknown) {
  // As JSON: rows of a driver loaded in another realm have other prototypes.
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(
      `${said}\n  expected ${JSON.stringify(expected)}, got ${JSON.stringify(
        actual,
      )}`,
    );
  }
}

const describeCall = (c: Call) =>
  `${c.method.toUpperCase()} ${c.path.slice(0, 300)} ${
    c.body === undefined ? '' : JSON.stringify(c.body)?.slice(0, 300)
  }`;

// ---------------------------------------------------------------- tests

describe.each(databases.eachSupportedId())(
  'bad input never gets a 5xx (%s)',
  databaseId => {
    let server: Server;
    let knex: Knex;
    let stop: () => Promise<void>;
    const api = {
      get: (path: string) => send(server, { method: 'get', path }),
      post: (path: string, payload: unknown = {}) =>
        send(server, { method: 'post', path, body: payload }),
      patch: (path: string, payload: unknown) =>
        send(server, { method: 'patch', path, body: payload }),
    };
    const created = {
      incident: [] as string[],
      report: [] as string[],
      release: [] as string[],
      postmortem: [] as string[],
      page: [] as string[],
      actionItem: [] as string[],
      schedule: ['payments-primary', 'shop-247', 'no-such-schedule'],
      override: [] as string[],
      integration: [
        ...VENDORS.map(integrationOf),
        'portal-generic',
        'no-such-integration',
      ],
      alertGroup: [] as string[],
    };

    /** Rows that deliveries can leave behind. */
    const stored = async () => {
      const count = async (table: string) =>
        Number((await knex(table).count({ n: '*' }))[0].n);
      return {
        deliveries: await count('multivac_alert_deliveries'),
        reports: await count('multivac_reports'),
        deadLetters: (await knex('multivac_alert_dead_letters')
          .orderBy('id')
          .pluck('id')) as string[],
      };
    };

    /** The dead letters kept since `before` was read. */
    const lettersSince = (before: string[]) =>
      knex('multivac_alert_dead_letters')
        .whereNotIn('id', before)
        .select('integration_id', 'error');

    /** A delivery to the configured integration of `vendor`. */
    const deliver = (
      vendor: Vendor,
      raw: Buffer,
      headers: Record<string, string>,
      type?: string,
    ) => {
      const req = request(server)
        .post(`/api/multivac/alerts/integrations/${integrationOf(vendor)}`)
        .set(headers);
      // The bytes as they are, whatever the content type says.
      return (type ? req.set('Content-Type', type) : req)
        .serialize(bytes => bytes)
        .send(raw);
    };

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const backend = await startBackend(undefined, alertsConfig, [
        mockServices.database.factory({ knex }),
      ]);
      server = backend.server;
      stop = () => backend.stop();

      // Records for the routes that take an id to find.
      const declared = created201(await api.post('/incidents', incident));
      const resolved = await api.post('/incidents', incident);
      await api.post(`/incidents/${resolved.body.id}/transitions`, {
        to: 'resolved',
      });
      const postmortem = created201(
        await api.post(`/incidents/${resolved.body.id}/postmortem`),
      );
      const item = await api.post(
        `/postmortems/${postmortem.body.id}/action-items`,
        { title: 'Add an alert' },
      );
      const triage = created201(await api.post('/reports', report));
      const booked = created201(await api.post('/releases', release));
      const paged = created201(await api.post('/pages', page));
      const cover = created201(
        await api.post('/oncall/schedules/payments-primary/overrides', {
          userRef: 'user:default/grace.hopper',
          start: '2030-11-25T09:00:00Z',
          end: '2030-11-25T17:00:00Z',
        }),
      );
      created201(
        await api.post('/alerts/integrations', {
          id: 'portal-generic',
          name: 'Portal generic',
          vendor: 'generic',
        }),
      );
      const delivered = await deliver(
        'generic',
        Buffer.from(json(genericFixture)),
        { Authorization: `Bearer ${SECRET}` },
        'application/json',
      );
      if (delivered.status !== 202) {
        throw new Error(`setup failed: ${delivered.status} ${delivered.text}`);
      }
      const grouped = await eventually(
        async () =>
          (
            await api.get(`/alerts?integration=${integrationOf('generic')}`)
          ).body.items as Array<{ groupId?: string }>,
        items => items.some(alert => alert.groupId),
      );
      created.incident.push(
        declared.body.id,
        declared.body.reference,
        String(declared.body.number),
      );
      created.postmortem.push(postmortem.body.id, postmortem.body.reference);
      created.actionItem.push(item.body.id);
      created.report.push(triage.body.id, triage.body.reference);
      created.release.push(booked.body.id, booked.body.reference);
      created.page.push(paged.body.id);
      created.override.push(cover.body.id);
      created.alertGroup.push(
        ...grouped.flatMap(alert => (alert.groupId ? [alert.groupId] : [])),
      );
      if (created.alertGroup.length === 0) {
        throw new Error('setup failed: the delivered alert has no group');
      }
    });

    afterAll(async () => {
      await stop?.();
    });

    /**
     * Sends `runs` generated requests: never a 5xx, and a 4xx says what is
     * wrong. The statuses answered, counted.
     */
    async function neverA5xx(calls: fc.Arbitrary<Call>, runs: number) {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(calls, async c => {
          const res = await send(server, c);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const said = `${describeCall(c)} → ${res.status} ${
            JSON.stringify(res.body) ?? res.text?.slice(0, 300)
          }`;
          if (res.status >= 500) {
            throw new Error(said);
          }
          // 431: Node's own answer to a URL over 16 KB, before any router.
          if (res.status >= 400 && res.status !== 431) {
            // JSON errors; the acknowledge links answer people in HTML.
            const message: unknown = res.type.includes('html')
              ? /<p>(.+?)<\/p>/s.exec(res.text)?.[1]
              : res.body?.error?.message;
            same(said, typeof message === 'string' && message.length > 0, true);
          }
        }),
        { numRuns: runs, seed: SEED, endOnFailure: true },
      );
      return statuses;
    }

    /** How many requests got through to the stores (2xx). */
    const succeeded = (statuses: Map<number, number>) =>
      [...statuses]
        .filter(([status]) => status < 300)
        .reduce((sum, [, count]) => sum + count, 0);

    it(`answers every generated request below 500 (${RUNS} requests, seed ${SEED})`, async () => {
      const statuses = await neverA5xx(routes(created), RUNS);
      // Not only refused at the door: some requests reach the stores.
      expect(succeeded(statuses)).toBeGreaterThan(RUNS / 20);
      expect(Math.max(...statuses.keys())).toBeLessThan(500);
    });

    it(`answers every generated request to the routes added since below 500 (${NEWER_RUNS} requests, seed ${SEED})`, async () => {
      const statuses = await neverA5xx(newerRoutes(created), NEWER_RUNS);
      expect(succeeded(statuses)).toBeGreaterThan(NEWER_RUNS / 20);
      expect(Math.max(...statuses.keys())).toBeLessThan(500);
    });

    it(`answers every signed alert delivery below 500, storing only what it accepts (${INGEST_RUNS} deliveries, seed ${SEED})`, async () => {
      const statuses = new Map<number, number>();
      const delivery = fc
        .constantFrom(...VENDORS)
        .chain(vendor =>
          fc.tuple(
            fc.constant(vendor),
            deliveryBody(vendor),
            fc.nat(),
            contentType,
          ),
        );
      await fc.assert(
        fc.asyncProperty(delivery, async ([vendor, raw, way, type]) => {
          const ways = validAuth(vendor, raw);
          const auth = ways[way % ways.length];
          const before = await stored();
          const res = await deliver(vendor, raw, auth, type);
          const after = await stored();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const said = `${vendor} ${JSON.stringify(auth)} ${type} ${raw
            .toString('utf8')
            .slice(0, 300)} → ${res.status} ${JSON.stringify(res.body)}`;
          if (res.status >= 500) {
            throw new Error(said);
          }
          if (res.status === 202) {
            if (vendor === 'zendesk') {
              // Tickets become reports (or find the one they became).
              same(said, after.deliveries, before.deliveries);
              const filed = await api.get(`/reports/${res.body.reportId}`);
              same(said, filed.status, 200);
            } else {
              same(said, after.deliveries, before.deliveries + 1);
              const row = await knex('multivac_alert_deliveries')
                .where({ id: res.body.deliveryId })
                .first();
              same(said, row?.integration_id, integrationOf(vendor));
            }
            same(said, after.deadLetters, before.deadLetters);
            return;
          }
          // Refused: nothing stored but, for a 400, a dead letter saying why.
          const message: unknown = res.body?.error?.message;
          same(said, res.status >= 400 && res.status < 500, true);
          same(said, typeof message === 'string' && message.length > 0, true);
          same(
            said,
            [after.deliveries, after.reports],
            [before.deliveries, before.reports],
          );
          same(
            said,
            await lettersSince(before.deadLetters),
            res.status === 400
              ? [{ integration_id: integrationOf(vendor), error: message }]
              : [],
          );
        }),
        { numRuns: INGEST_RUNS, seed: SEED, endOnFailure: true },
      );
      // The vendors' own payloads get through, and unreadable ones are refused.
      expect(statuses.get(202)).toBeGreaterThan(INGEST_RUNS / 20);
      expect(statuses.get(400)).toBeGreaterThan(INGEST_RUNS / 4);
      const letters = await api.get('/alerts/dead-letters');
      expect(letters.status).toBe(200);
      expect(letters.body.items.length).toBeGreaterThan(0);
    });

    it(`refuses deliveries without the integration's secret with a 401, storing nothing (${
      INGEST_RUNS / 2
    } deliveries)`, async () => {
      const refused = fc
        .tuple(fc.constantFrom(...VENDORS), badAuth, contentType)
        .filter(([vendor, auth]) => isBadFor(vendor, auth))
        .chain(([vendor, auth, type]) =>
          fc.tuple(
            fc.constant(vendor),
            fc.constant(auth),
            fc.constant(type),
            fc.oneof(
              fc.constant(Buffer.from(json(FIXTURES[vendor]))),
              deliveryBody(vendor),
            ),
          ),
        );
      await fc.assert(
        fc.asyncProperty(refused, async ([vendor, auth, type, raw]) => {
          const before = await stored();
          const res = await deliver(vendor, raw, auth, type);
          const after = await stored();
          const said = `${vendor} ${JSON.stringify(auth)} → ${
            res.status
          } ${JSON.stringify(res.body)}`;
          expect([said, res.status]).toEqual([said, 401]);
          expect(res.body.error.message).toBe(
            'Not signed by a secret of this integration',
          );
          expect([said, after]).toEqual([said, before]);
        }),
        { numRuns: INGEST_RUNS / 2, seed: SEED, endOnFailure: true },
      );
    });

    it('offset=1e20 (and 1e21, -1, 0.5) → 400 on every list', async () => {
      for (const list of ['incidents', 'reports', 'postmortems', 'releases']) {
        for (const offset of ['1e20', '1e21', '-1', '0.5', '100001']) {
          const res = await api.get(`/${list}?offset=${offset}`);
          expect([list, offset, res.status]).toEqual([list, offset, 400]);
          expect(res.body.error.message).toMatch(/^Invalid query: offset: /);
        }
      }
      expect((await api.get('/incidents?offset=100000')).status).toBe(200);
    });

    it('a page whose details nest 5,000 deep → 400', async () => {
      const res = await request(server)
        .post('/api/multivac/pages')
        .set(asAda)
        .set('Content-Type', 'application/json')
        .send(
          `{"entityRef":"payments-api","summary":"Deep","details":${deeplyNested(
            5000,
          )}}`,
        );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^Invalid page: /);
      const sixDeep = await api.post('/pages', {
        ...page,
        details: JSON.parse(deeplyNested(6)),
      });
      expect(sixDeep.status).toBe(400);
      expect(sixDeep.body.error.message).toBe(
        'Invalid page: details: may nest at most 5 levels deep',
      );
      const tooBig = await api.post('/pages', {
        ...page,
        details: { log: 'x'.repeat(10_001) },
      });
      expect(tooBig.status).toBe(400);
    });

    it('INC-99999999999, /incidents/2147483648 and other out-of-range references → 404', async () => {
      for (const path of [
        '/incidents/INC-99999999999',
        '/incidents/2147483648',
        '/incidents/99999999999999999999999',
        '/incidents/INC-2147483648/timeline',
        '/releases/REL-99999999999',
        '/releases/2147483648',
        '/reports/RPT-99999999999',
        '/postmortems/PM-99999999999',
        '/incidents/INC-99999999999/postmortem',
      ]) {
        const res = await api.get(path);
        expect([path, res.status]).toEqual([path, 404]);
        expect(res.body.error.message).toBeTruthy();
      }
      const transition = await api.post(
        '/incidents/INC-99999999999/transitions',
        { to: 'resolved' },
      );
      expect(transition.status).toBe(404);
    });

    it('NUL bytes in ids and text fields → 400', async () => {
      const inBody = await api.post('/incidents', {
        ...incident,
        title: 'Checkout\u0000fails',
      });
      expect(inBody.status).toBe(400);
      expect(inBody.body.error.message).toBe(
        'Invalid incident: title: must not contain NUL bytes',
      );
      const inNote = await api.post(`/incidents/${created.incident[0]}/notes`, {
        text: '\u0000',
      });
      expect(inNote.status).toBe(400);
      for (const path of [
        '/incidents/INC-1%00',
        '/reports/%00',
        '/releases/REL-1%00',
        '/postmortems/PM-1%00',
        '/pages/%00',
        '/incidents?entityRef=payments-api%00',
        '/releases?environment=%00',
        '/postmortems?q=a%00b',
        '/alerts/groups/a%00b',
        '/alerts?integration=a%00b',
        '/oncall/schedules/a%00b/overrides',
        '/insights/digest?team=a%00b',
        '/action-items?owner=a%00b',
      ]) {
        const res = await api.get(path);
        expect([path, res.status]).toEqual([path, 400]);
      }
    });

    it('year-0000 dates → 400', async () => {
      for (const path of [
        '/incidents?from=0000-01-01T00:00:00Z',
        '/releases?to=0000-01-01T00:00:00Z',
        '/oncall?entityRef=payments-api&at=0000-01-01T00:00:00Z',
        '/oncall/schedules?from=0000-01-01T00:00:00Z',
      ]) {
        const res = await api.get(path);
        expect([path, res.status]).toEqual([path, 400]);
      }
      const started = await api.post('/reports', {
        ...report,
        startedAt: '0000-01-01T00:00:00Z',
      });
      expect(started.status).toBe(400);
      expect(started.body.error.message).toBe(
        'Invalid report: startedAt: the year must be from 1970 to 9999',
      );
      const booked = await api.post('/releases', {
        ...release,
        start: '0000-01-01T00:00:00Z',
      });
      expect(booked.status).toBe(400);
      const due = await api.post(
        `/postmortems/${created.postmortem[0]}/action-items`,
        { title: 'Later', dueDate: '0000-01-01' },
      );
      expect(due.status).toBe(400);
      expect(due.body.error.message).toBe(
        'Invalid action item: dueDate: the year must be from 1970 to 9999',
      );
    });

    // Defects found by the properties above (seeds 3 and 4, and the
    // year-0000 inputs), fixed in the adapters and the insights schemas.
    it('an Alertmanager or Grafana alert whose startsAt is no date → 400 (was a RangeError, a 500)', async () => {
      for (const [vendor, fixture] of [
        ['alertmanager', alertmanagerFixture],
        ['grafana', grafanaFixture],
      ] as const) {
        const payload = structuredClone(fixture) as { alerts: any[] };
        payload.alerts[0].startsAt = 'yesterday';
        const res = await deliver(
          vendor,
          Buffer.from(json(payload)),
          { Authorization: `Bearer ${SECRET}` },
          'application/json',
        );
        expect([vendor, res.status]).toEqual([vendor, 400]);
      }
    });

    it('insights with end in year 0000 or 0001 → 400 (was a 500 on PostgreSQL, a 200 on SQLite)', async () => {
      for (const path of [
        '/insights/incidents?end=0000-01-01T00:00:00Z',
        '/insights/interruptions?end=0000-01-01T00:00:00Z',
        '/insights/oncall-load?end=0000-01-01T00:00:00Z',
        '/insights/change-failure?end=0001-01-01T00:00:00Z',
        '/insights/report-card?team=payments&end=0000-01-01T00:00:00Z',
      ]) {
        const res = await api.get(path);
        expect([path, res.status]).toEqual([path, 400]);
      }
    });

    it('report links other than http(s) → 400', async () => {
      for (const link of [
        `${SCRIPT}alert(document.cookie)`,
        'data:text/html,<script>alert(1)</script>',
        'file:///etc/passwd',
      ]) {
        const res = await api.post('/reports', { ...report, links: [link] });
        expect([link, res.status]).toEqual([link, 400]);
        expect(res.body.error.message).toBe(
          'Invalid report: links.0: must be an http(s) URL',
        );
      }
    });

    it('entity refs longer than the column or too many of them → 400', async () => {
      const long = await api.post('/incidents', {
        ...incident,
        entityRefs: [`component:default/${'x'.repeat(300)}`],
      });
      expect(long.status).toBe(400);
      const many = new URLSearchParams(
        Array.from({ length: 51 }, (_, i) => ['entityRef', `c${i}`]),
      );
      expect((await api.get(`/incidents?${many}`)).status).toBe(400);
      expect((await api.get(`/releases?${many}`)).status).toBe(400);
      expect(
        (await api.get(`/incidents/${'x'.repeat(256)}`)).body.error.message,
      ).toMatch(/^Invalid id: /);
    });
  },
);
