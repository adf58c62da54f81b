import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import multivacPlugin from '@multivac/plugin-multivac-backend';
import express from 'express';
import request from 'supertest';
import { multivacModulePagerDuty } from '../module';
import { createReconcileRouter } from './createReconcileRouter';
import { ScheduleReconciler } from './ScheduleReconciler';
import {
  FakePagerDutySchedules,
  startFakePagerDutySchedules,
} from './__testUtils__/fakePagerDutySchedules';
import {
  catalogUsers,
  existingPagerDutyPolicy,
  existingPagerDutySchedule,
  handMadePolicy,
  pagerDutyUsers,
  paymentsSchedule,
  paymentsService,
  storefrontService,
} from './__testUtils__/scheduleFixtures';

jest.setTimeout(60_000);

const asAda = {
  Authorization: mockCredentials.user.header('user:default/ada.lovelace'),
};
const BASE = '/api/multivac/pagerduty';
const SCHEDULE = `${BASE}/schedules/default/payments-primary`;

/** A module that hands the multivac plugin's scheduler to the test. */
function captureScheduler(into: { service?: SchedulerService }) {
  return createBackendModule({
    pluginId: 'multivac',
    moduleId: 'test-scheduler',
    register(reg) {
      reg.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          into.service = scheduler;
        },
      });
    },
  });
}

/** The REST routes in the real multivac backend, with its job queue. */
describe('schedule reconcile routes', () => {
  let fake: FakePagerDutySchedules;
  let backends: Array<{ stop(): Promise<void> }>;

  beforeEach(async () => {
    fake = await startFakePagerDutySchedules({
      users: pagerDutyUsers,
      services: [paymentsService, storefrontService],
      escalationPolicies: [handMadePolicy, existingPagerDutyPolicy],
      schedules: [existingPagerDutySchedule],
    });
    backends = [];
  });
  afterEach(async () => {
    await Promise.all(backends.map(b => b.stop()));
    await fake.close();
  });

  /** Denies the named permissions, allows the rest. */
  function denying(...names: string[]) {
    const decide = (permission: { name: string }) => ({
      result: names.includes(permission.name) ? 'DENY' : 'ALLOW',
    });
    return mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => decide(r.permission)) as any,
      authorizeConditional: async requests =>
        requests.map(r => decide(r.permission)) as any,
    }).factory;
  }

  async function start(
    options: {
      deny?: string[];
      reconcile?: { [key: string]: number | boolean };
      /** The scheduler is captured here; tasks run only when triggered. */
      scheduler?: { service?: SchedulerService };
    } = {},
  ) {
    const backend = await startTestBackend({
      features: [
        ...(options.scheduler
          ? [
              mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
              captureScheduler(options.scheduler),
            ]
          : []),
        multivacPlugin,
        multivacModulePagerDuty,
        ...(options.deny ? [denying(...options.deny)] : []),
        catalogServiceMock.factory({
          entities: [
            ...catalogUsers,
            paymentsSchedule(),
            {
              ...paymentsSchedule(),
              metadata: { name: 'unmarked', namespace: 'default' },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            multivac: {
              jobs: { pollIntervalSeconds: 0.1 },
              pagerDuty: {
                apiToken: fake.apiToken,
                apiBaseUrl: fake.url,
                scheduleReconcile: options.reconcile ?? { enabled: false },
              },
            },
          },
        }),
      ],
    });
    backends.push(backend);
    return backend.server;
  }

  async function eventually<T>(
    read: () => Promise<T | undefined>,
    tries = 100,
  ) {
    for (let i = 0; i < tries; i++) {
      const value = await read();
      if (value !== undefined) {
        return value;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error('timed out');
  }

  it('plans, reconciles as a job, and answers the state', async () => {
    const server = await start();

    const never = await request(server).get(`${SCHEDULE}/state`).set(asAda);
    expect(never.status).toBe(404);
    expect(never.body.error.message).toBe(
      'schedule:default/payments-primary was never reconciled to PagerDuty',
    );

    const plan = await request(server).get(`${SCHEDULE}/plan`).set(asAda);
    expect(plan.status).toBe(200);
    expect(plan.body.schedule).toEqual({
      entityRef: 'schedule:default/payments-primary',
      title: 'Payments primary',
      account: 'default',
    });
    expect(
      plan.body.changes.map((c: { resource: string; action: string }) => [
        c.resource,
        c.action,
      ]),
    ).toEqual([
      ['schedule', 'create'],
      ['escalationPolicy', 'create'],
      ['serviceLink', 'update'],
    ]);
    expect(fake.writes).toEqual([]);

    const queued = await request(server)
      .post(`${SCHEDULE}/reconcile`)
      .set(asAda);
    expect(queued.status).toBe(202);
    expect(queued.body).toEqual({
      status: 'pending',
      attempts: 0,
      lastError: null,
      lastRunAt: null,
      nextAttemptAt: null,
      pagerDuty: { scheduleId: null, escalationPolicyId: null, serviceIds: [] },
    });

    const done = await eventually(async () => {
      const state = await request(server).get(`${SCHEDULE}/state`).set(asAda);
      return state.body.status === 'succeeded' ? state.body : undefined;
    });
    expect(done).toEqual({
      status: 'succeeded',
      attempts: 1,
      lastError: null,
      lastRunAt: expect.any(String),
      nextAttemptAt: null,
      pagerDuty: {
        scheduleId: expect.any(String),
        escalationPolicyId: expect.any(String),
        serviceIds: ['PSVC1'],
      },
    });
    expect(fake.writes.map(w => `${w.method} ${w.path}`)).toEqual([
      'POST /schedules',
      'POST /escalation_policies',
      'PUT /services/PSVC1',
    ]);
    const after = await request(server).get(`${SCHEDULE}/plan`).set(asAda);
    expect(after.body.changes.map((c: { action: string }) => c.action)).toEqual(
      ['none', 'none', 'none'],
    );
  });

  it('reconciles a marked Schedule found in the catalog without being asked', async () => {
    const captured: { service?: SchedulerService } = {};
    const server = await start({
      scheduler: captured,
      reconcile: { catalogPollSeconds: 60, intervalMinutes: 60 },
    });
    const scheduler = captured.service!;
    expect(
      (await scheduler.getScheduledTasks())
        .map(t => t.id)
        .filter(id => id.startsWith('multivac-pagerduty-schedules')),
    ).toEqual([
      'multivac-pagerduty-schedules-changed',
      'multivac-pagerduty-schedules-interval',
    ]);
    await scheduler.triggerTask('multivac-pagerduty-schedules-changed');
    const done = await eventually(async () => {
      const state = await request(server).get(`${SCHEDULE}/state`).set(asAda);
      return state.body.status === 'succeeded' ? state.body : undefined;
    });
    expect(done.pagerDuty.serviceIds).toEqual(['PSVC1']);
    // The unmarked Schedule is left alone: only the existing one and ours.
    expect(fake.schedules.size).toBe(2);

    // Unchanged: the catalog poll queues nothing; the interval does.
    await scheduler.triggerTask('multivac-pagerduty-schedules-changed');
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(fake.requests.filter(r => r.startsWith('GET /users'))).toHaveLength(
      1,
    );
    await scheduler.triggerTask('multivac-pagerduty-schedules-interval');
    await eventually(async () =>
      fake.requests.filter(r => r.startsWith('GET /users')).length === 2
        ? true
        : undefined,
    );
    expect(fake.writes).toHaveLength(3);
  });

  it('answers 404 for a Schedule not marked for PagerDuty, or none', async () => {
    const server = await start();
    const unmarked = await request(server)
      .get(`${BASE}/schedules/default/unmarked/state`)
      .set(asAda);
    expect(unmarked.status).toBe(404);
    expect(unmarked.body.error.message).toMatch(
      /is not marked for PagerDuty \(annotation pagerduty.com\/reconcile: 'true'\)/,
    );
    const plan = await request(server)
      .get(`${BASE}/schedules/default/unmarked/plan`)
      .set(asAda);
    expect(plan.status).toBe(404);
    const missing = await request(server)
      .post(`${BASE}/schedules/default/nope/reconcile`)
      .set(asAda);
    expect(missing.status).toBe(404);
  });

  it('imports a PagerDuty schedule as a Schedule file', async () => {
    const server = await start();
    const imported = await request(server)
      .post(`${BASE}/import`)
      .set(asAda)
      .send({
        scheduleId: 'PEXIST',
        owner: 'storefront',
        name: 'storefront-primary',
      });
    expect(imported.status).toBe(200);
    expect(imported.body.entity).toMatchObject({
      kind: 'Schedule',
      metadata: { name: 'storefront-primary' },
      spec: { owner: 'group:default/storefront', timeZone: 'America/New_York' },
    });
    expect(imported.body.yaml).toMatch(/^apiVersion: multivac.io\/v1alpha1\n/);
    expect(fake.writes).toEqual([]);
  });

  it('answers 400 naming the field for a bad import', async () => {
    const server = await start();
    const cases: Array<[object, RegExp]> = [
      [{ owner: 'storefront', name: 'x' }, /scheduleId/],
      [{ scheduleId: 'PEXIST', name: 'x' }, /owner/],
      [
        { scheduleId: 'PEXIST', owner: 'storefront', name: 'not a name' },
        /name/,
      ],
      [
        { scheduleId: 'PEXIST', owner: 'component:x/y', name: 'x' },
        /owner: must be a Group entity ref/,
      ],
      [
        { scheduleId: 'PEXIST', owner: 'storefront', name: 'x', extra: 1 },
        /extra/,
      ],
      [
        { scheduleId: 'PEXIST', owner: 'storefront', name: 'x', account: 'eu' },
        /account: 'eu' is not a PagerDuty account/,
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await request(server)
        .post(`${BASE}/import`)
        .set(asAda)
        .send(body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(message);
    }
  });

  it.each([
    ['GET', `${SCHEDULE}/plan`, 'multivac.oncall.read'],
    ['GET', `${SCHEDULE}/state`, 'multivac.oncall.read'],
    ['POST', `${SCHEDULE}/reconcile`, 'multivac.oncall.reconcile'],
    ['POST', `${BASE}/import`, 'multivac.oncall.reconcile'],
  ])('refuses %s %s without %s', async (method, path, permission) => {
    const server = await start({ deny: [permission] });
    const call =
      method === 'GET'
        ? request(server).get(path)
        : request(server).post(path).send({
            scheduleId: 'PEXIST',
            owner: 'storefront',
            name: 'storefront-primary',
          });
    const answer = await call.set(asAda);
    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toBe(
      `Needs the permission ${permission}`,
    );
    expect(fake.writes).toEqual([]);

    const none = { Authorization: mockCredentials.none.header() };
    const anonymous =
      method === 'GET'
        ? await request(server).get(path).set(none)
        : await request(server).post(path).set(none);
    expect(anonymous.status).toBe(401);
  });

  it('lets a reader plan but not reconcile', async () => {
    const server = await start({ deny: ['multivac.oncall.reconcile'] });
    expect(
      (await request(server).get(`${SCHEDULE}/plan`).set(asAda)).status,
    ).toBe(200);
    expect(
      (await request(server).post(`${SCHEDULE}/reconcile`).set(asAda)).status,
    ).toBe(403);
  });

  it('leaves the raw body of other /pagerduty routes (the webhooks) alone', async () => {
    const app = express();
    app.use(
      createReconcileRouter({
        reconciler: {} as ScheduleReconciler,
        catalog: {} as any,
        auth: mockServices.auth(),
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions(),
      }),
    );
    app.post(
      '/pagerduty/webhooks',
      express.raw({ type: '*/*' }),
      (req, res) => {
        res.json({
          raw: Buffer.isBuffer(req.body) ? req.body.toString() : null,
        });
      },
    );
    const answer = await request(app)
      .post('/pagerduty/webhooks')
      .set('Content-Type', 'application/json')
      .send('{"event":{}}');
    expect(answer.body).toEqual({ raw: '{"event":{}}' });
  });
});
