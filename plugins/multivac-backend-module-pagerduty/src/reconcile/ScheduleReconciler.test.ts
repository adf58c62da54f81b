import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import { TtlCache } from '../client/cache';
import { PagerDutyRestClient } from '../client/PagerDutyRestClient';
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
import { importSchedule } from './importSchedule';
import { PagerDutyScheduleApi } from './pagerDutyScheduleApi';
import { ReconcileStore } from './ReconcileStore';
import { RECONCILE_JOB, ScheduleReconciler } from './ScheduleReconciler';

jest.setTimeout(60_000);

interface QueuedJob {
  idempotencyKey: string;
  payload: Record<string, unknown>;
  runAfter?: Date;
}

/** The plugin's job queue as far as the reconcile uses it; run by hand. */
class ManualJobs {
  readonly queued: QueuedJob[] = [];
  private readonly keys = new Set<string>();
  private handler?: (job: {
    id: string;
    payload: Record<string, unknown>;
    attempt: number;
    signal: AbortSignal;
  }) => Promise<void>;

  registerHandler(type: string, handler: ManualJobs['handler']) {
    if (type !== RECONCILE_JOB) {
      throw new Error(`unexpected job type ${type}`);
    }
    this.handler = handler;
  }

  async enqueue(request: QueuedJob & { type: string }) {
    if (this.keys.has(request.idempotencyKey)) {
      return false;
    }
    this.keys.add(request.idempotencyKey);
    this.queued.push(request);
    return true;
  }

  /** Runs the oldest queued job; returns it. */
  async runNext(): Promise<QueuedJob> {
    const job = this.queued.shift();
    if (!job) {
      throw new Error('no job queued');
    }
    await this.handler!({
      id: job.idempotencyKey,
      payload: job.payload,
      attempt: 1,
      signal: new AbortController().signal,
    });
    return job;
  }
}

describe('ScheduleReconciler against the fake PagerDuty', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3'],
    disableDocker: true,
  });
  let fake: FakePagerDutySchedules;
  let store: ReconcileStore;
  let sleeps: number[];

  beforeEach(async () => {
    fake = await startFakePagerDutySchedules({
      users: pagerDutyUsers,
      services: [paymentsService, storefrontService],
      escalationPolicies: [handMadePolicy, existingPagerDutyPolicy],
      schedules: [existingPagerDutySchedule],
    });
    const knex = await databases.init('SQLITE_3');
    store = await ReconcileStore.create({ getClient: async () => knex });
    sleeps = [];
  });
  afterEach(() => fake.close());

  function rest() {
    return new PagerDutyRestClient(
      {
        id: 'default',
        apiBaseUrl: fake.url,
        eventsBaseUrl: fake.url,
        apiToken: fake.apiToken,
      },
      {
        cache: new TtlCache(0),
        sleep: async ms => {
          sleeps.push(ms);
        },
      },
    );
  }

  /** A reconciler over the catalog as it is now (the store and PagerDuty stay). */
  function reconcilerWith(...entities: Entity[]) {
    const jobs = new ManualJobs();
    const reconciler = new ScheduleReconciler({
      clients: new Map([['default', { rest: rest() }]]),
      catalog: catalogServiceMock({ entities: [...catalogUsers, ...entities] }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      store,
      settings: {
        maxAttempts: 3,
        initialBackoffMs: 1000,
        maxBackoffMs: 60_000,
      },
    });
    reconciler.connect({ jobs } as unknown as MultivacWorkflow);
    return { reconciler, jobs };
  }

  const ref = 'schedule:default/payments-primary';
  const writes = () => fake.writes.map(w => `${w.method} ${w.path}`);

  async function reconcileOnce(entity: Entity) {
    const { reconciler, jobs } = reconcilerWith(entity);
    await reconciler.enqueue(entity, 'test');
    await jobs.runNext();
    return { reconciler, jobs };
  }

  it('plans creating the schedule, the policy and the service link, and writes nothing', async () => {
    const { reconciler } = reconcilerWith(paymentsSchedule());
    const plan = await reconciler.plan(paymentsSchedule());

    expect(plan.schedule).toEqual({
      entityRef: ref,
      title: 'Payments primary',
      account: 'default',
    });
    expect(plan.changes.map(c => [c.resource, c.action, c.id])).toEqual([
      ['schedule', 'create', undefined],
      ['escalationPolicy', 'create', undefined],
      ['serviceLink', 'update', 'PSVC1'],
    ]);
    expect(plan.changes[0].fields).toEqual(
      expect.arrayContaining([
        { path: 'time_zone', from: null, to: 'Europe/Berlin' },
        {
          path: 'schedule_layers[weekly].rotation_virtual_start',
          from: null,
          to: '2026-01-05T09:00:00+01:00',
        },
        {
          path: 'schedule_layers[weekly].users',
          from: null,
          to: [
            'ada@nimbus.example',
            'grace@nimbus.example',
            'alan@nimbus.example',
          ],
        },
      ]),
    );
    expect(plan.changes[1].fields).toEqual([
      { path: 'name', from: null, to: 'Payments primary' },
      {
        path: 'escalation_rules[0].escalation_delay_in_minutes',
        from: null,
        to: 10,
      },
      {
        path: 'escalation_rules[0].targets',
        from: null,
        to: ['schedule:(new schedule)'],
      },
      {
        path: 'escalation_rules[1].escalation_delay_in_minutes',
        from: null,
        to: 15,
      },
      {
        path: 'escalation_rules[1].targets',
        from: null,
        to: ['user:Ken@Nimbus.example'],
      },
    ]);
    expect(plan.changes[2].fields).toEqual([
      {
        path: 'services[PSVC1].escalation_policy',
        from: 'PEPOLD',
        to: '(new escalation policy)',
      },
    ]);
    expect(fake.writes).toEqual([]);
  });

  it('creates, then a rerun without a change writes nothing, then a change updates only what changed', async () => {
    const { reconciler } = await reconcileOnce(paymentsSchedule());

    expect(writes()).toEqual([
      'POST /schedules',
      'POST /escalation_policies',
      'PUT /services/PSVC1',
    ]);
    const state = await reconciler.state(ref);
    expect(state).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      lastError: null,
      nextAttemptAt: null,
    });
    const { scheduleId, escalationPolicyId, serviceIds } = state!.pagerDuty;
    expect(serviceIds).toEqual(['PSVC1']);
    const schedule = fake.schedules.get(scheduleId!)!;
    expect(schedule).toMatchObject({
      name: 'Payments primary',
      time_zone: 'Europe/Berlin',
    });
    expect(schedule.schedule_layers).toEqual([
      expect.objectContaining({
        name: 'weekly',
        start: '2026-01-05T09:00:00+01:00',
        rotation_virtual_start: '2026-01-05T09:00:00+01:00',
        rotation_turn_length_seconds: 604800,
        users: ['PADA', 'PGRACE', 'PALAN'].map(id => ({
          user: { id, type: 'user_reference' },
        })),
        restrictions: [],
      }),
    ]);
    expect(fake.escalationPolicies.get(escalationPolicyId!)).toMatchObject({
      name: 'Payments primary',
      escalation_rules: [
        expect.objectContaining({
          escalation_delay_in_minutes: 10,
          targets: [{ id: scheduleId, type: 'schedule_reference' }],
        }),
        expect.objectContaining({
          escalation_delay_in_minutes: 15,
          targets: [{ id: 'PKEN', type: 'user_reference' }],
        }),
      ],
    });
    expect(fake.services.get('PSVC1')!.escalationPolicyId).toBe(
      escalationPolicyId,
    );

    // The same file again: reads only.
    const before = fake.writes.length;
    const again = await reconcileOnce(paymentsSchedule());
    expect(fake.writes.length).toBe(before);
    expect(
      (await again.reconciler.plan(paymentsSchedule())).changes.map(
        c => c.action,
      ),
    ).toEqual(['none', 'none', 'none']);
    expect((await again.reconciler.state(ref))!.status).toBe('succeeded');

    // Hand-off moves to 10:00, Ken waits 20 minutes, business hours only.
    const changed = paymentsSchedule({
      layers: [
        {
          ...(paymentsSchedule().spec!.layers as any[])[0],
          handoffTime: '10:00',
          restrictions: [
            { days: ['monday', 'tuesday'], from: '22:00', to: '06:00' },
          ],
        },
      ],
      escalation: [
        { timeoutMinutes: 10, targets: [{ type: 'schedule' }] },
        {
          timeoutMinutes: 20,
          targets: [{ type: 'user', userRef: 'user:default/ken.thompson' }],
        },
      ],
    });
    const plan = await reconcilerWith(changed).reconciler.plan(changed);
    expect(plan.changes.map(c => [c.resource, c.action])).toEqual([
      ['schedule', 'update'],
      ['escalationPolicy', 'update'],
      ['serviceLink', 'none'],
    ]);
    expect(plan.changes[0].fields).toEqual([
      {
        path: 'schedule_layers[weekly].start',
        from: '2026-01-05T09:00:00+01:00',
        to: '2026-01-05T10:00:00+01:00',
      },
      {
        path: 'schedule_layers[weekly].rotation_virtual_start',
        from: '2026-01-05T09:00:00+01:00',
        to: '2026-01-05T10:00:00+01:00',
      },
      {
        path: 'schedule_layers[weekly].restrictions',
        from: [],
        to: [1, 2].map(day => ({
          type: 'weekly_restriction',
          start_time_of_day: '22:00:00',
          duration_seconds: 8 * 3600,
          start_day_of_week: day,
        })),
      },
    ]);
    expect(plan.changes[1].fields).toEqual([
      {
        path: 'escalation_rules[1].escalation_delay_in_minutes',
        from: 15,
        to: 20,
      },
    ]);

    const layerId = schedule.schedule_layers[0].id;
    await reconcileOnce(changed);
    expect(writes().slice(before)).toEqual([
      `PUT /schedules/${scheduleId}`,
      `PUT /escalation_policies/${escalationPolicyId}`,
    ]);
    // The layer is updated in place, not replaced.
    expect(fake.schedules.get(scheduleId!)!.schedule_layers).toEqual([
      expect.objectContaining({
        id: layerId,
        rotation_virtual_start: '2026-01-05T10:00:00+01:00',
      }),
    ]);
    expect(
      (await reconcilerWith(changed).reconciler.plan(changed)).changes.map(
        c => c.action,
      ),
    ).toEqual(['none', 'none', 'none']);
  });

  it('never removes what PagerDuty has beyond the file unless the Schedule allows removals', async () => {
    await reconcileOnce(paymentsSchedule());
    const { scheduleId, escalationPolicyId } = (await store.get(ref))!
      .pagerDuty;
    // Someone adds a layer and a third rule in PagerDuty.
    const schedule = fake.schedules.get(scheduleId!)!;
    schedule.schedule_layers.push({
      ...schedule.schedule_layers[0],
      id: 'PL-EXTRA',
      name: 'added in PagerDuty',
    });
    const policy = fake.escalationPolicies.get(escalationPolicyId!)!;
    policy.escalation_rules.push({
      id: 'PR-EXTRA',
      escalation_delay_in_minutes: 5,
      targets: [{ id: 'PGRACE', type: 'user_reference' }],
    });

    const kept = await reconcilerWith(paymentsSchedule()).reconciler.plan(
      paymentsSchedule(),
    );
    expect(kept.changes.map(c => c.action)).toEqual(['none', 'none', 'none']);

    const removing = paymentsSchedule(
      {},
      { 'pagerduty.com/reconcile-removals': 'true' },
    );
    const plan = await reconcilerWith(removing).reconciler.plan(removing);
    expect(plan.changes[0].fields).toEqual([
      {
        path: 'schedule_layers[added in PagerDuty]',
        from: 'added in PagerDuty',
        to: null,
      },
    ]);
    expect(plan.changes[1].fields).toEqual([
      {
        path: 'escalation_rules[2]',
        from: ['user:grace@nimbus.example'],
        to: null,
      },
    ]);
    await reconcileOnce(removing);
    expect(
      fake.schedules.get(scheduleId!)!.schedule_layers.map((l: any) => l.name),
    ).toEqual(['weekly']);
    expect(
      fake.escalationPolicies.get(escalationPolicyId!)!.escalation_rules,
    ).toHaveLength(2);
  });

  it('waits out a 429 with Retry-After within the attempt', async () => {
    fake.fault({ route: 'POST /schedules', answer: 429, retryAfterSeconds: 2 });
    const { reconciler } = await reconcileOnce(paymentsSchedule());

    expect(sleeps).toEqual([2000]);
    expect(await reconciler.state(ref)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
    });
    expect(writes()).toEqual([
      'POST /schedules',
      'POST /escalation_policies',
      'PUT /services/PSVC1',
    ]);
  });

  it('retries a long Retry-After as a later job, not before PagerDuty asked', async () => {
    fake.fault({ route: 'GET /users', answer: 429, retryAfterSeconds: 120 });
    const { reconciler, jobs } = await reconcileOnce(paymentsSchedule());

    const state = (await reconciler.state(ref))!;
    expect(state).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(state.lastError).toMatch(/GET \/users answered 429/);
    const next = jobs.queued[0];
    expect(next.payload).toMatchObject({ entityRef: ref, attempt: 2 });
    expect(next.runAfter!.getTime()).toBeGreaterThanOrEqual(
      Date.now() + 119_000,
    );
    expect(state.nextAttemptAt).toBe(next.runAfter!.toISOString());

    await jobs.runNext();
    expect(await reconciler.state(ref)).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      lastError: null,
      nextAttemptAt: null,
    });
  });

  it('retries an outage (connection lost, then 503) to success', async () => {
    fake.fault({ answer: 'network' });
    const { reconciler, jobs } = await reconcileOnce(paymentsSchedule());
    expect(await reconciler.state(ref)).toMatchObject({
      status: 'retrying',
      attempts: 1,
      lastError: expect.stringMatching(/PagerDuty GET \/users failed/),
    });

    fake.fault({ answer: 503 });
    await jobs.runNext();
    expect(await reconciler.state(ref)).toMatchObject({
      status: 'retrying',
      attempts: 2,
      lastError: expect.stringMatching(/answered 503/),
    });
    // Backoff doubles: 1s, then 2s.
    expect(jobs.queued[0].runAfter!.getTime()).toBeGreaterThan(
      Date.now() + 1000,
    );

    await jobs.runNext();
    expect(await reconciler.state(ref)).toMatchObject({
      status: 'succeeded',
      attempts: 3,
    });
    expect(writes()).toHaveLength(3);
  });

  it('resumes a partial failure without creating the schedule twice', async () => {
    fake.fault({ route: 'POST /escalation_policies', answer: 500 });
    const { reconciler, jobs } = await reconcileOnce(paymentsSchedule());

    const failed = (await reconciler.state(ref))!;
    expect(failed.status).toBe('retrying');
    expect(failed.pagerDuty.scheduleId).toEqual(expect.any(String));
    expect(failed.pagerDuty.escalationPolicyId).toBeNull();
    expect(writes()).toEqual(['POST /schedules']);

    await jobs.runNext();
    expect(writes()).toEqual([
      'POST /schedules',
      'POST /escalation_policies',
      'PUT /services/PSVC1',
    ]);
    expect(fake.schedules.size).toBe(2); // the existing one and ours
    expect(await reconciler.state(ref)).toMatchObject({
      status: 'succeeded',
      pagerDuty: { scheduleId: failed.pagerDuty.scheduleId },
    });
  });

  it('fails for good after maxAttempts, and at once on what a retry cannot fix', async () => {
    fake.fault({ answer: 502, times: 3 });
    const { reconciler, jobs } = await reconcileOnce(paymentsSchedule());
    await jobs.runNext();
    await jobs.runNext();
    expect(await reconciler.state(ref)).toMatchObject({
      status: 'failed',
      attempts: 3,
      nextAttemptAt: null,
    });
    expect(jobs.queued).toEqual([]);

    const stranger = paymentsSchedule({
      layers: [
        {
          ...(paymentsSchedule().spec!.layers as any[])[0],
          members: ['user:default/linus.torvalds'],
        },
      ],
    });
    const second = await reconcileOnce(stranger);
    expect(await second.reconciler.state(ref)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError:
        "user:default/linus.torvalds has no PagerDuty user in account 'default' with the email linus@nimbus.example",
    });
    expect(second.jobs.queued).toEqual([]);
    expect(fake.writes).toEqual([]);
    // The catalog poll leaves the failed file alone until it changes.
    expect(await second.reconciler.poll({ all: false })).toBe(0);
    expect(await second.reconciler.poll({ all: true })).toBe(1);
  });

  it('queues marked Schedules whose spec changed, once per change', async () => {
    const unmarked = {
      ...paymentsSchedule(),
      metadata: { name: 'other', namespace: 'default', annotations: {} },
    };
    const { reconciler, jobs } = reconcilerWith(paymentsSchedule(), unmarked);
    expect(await reconciler.poll({ all: false })).toBe(1);
    await jobs.runNext();
    expect(await reconciler.poll({ all: false })).toBe(0);
    expect(await reconciler.poll({ all: true })).toBe(1);

    const changed = paymentsSchedule({ timeZone: 'Europe/Paris' });
    const later = reconcilerWith(changed, unmarked);
    expect(await later.reconciler.poll({ all: false })).toBe(1);
  });

  it('lets the poll start again a run that died, but not one in progress', async () => {
    const { reconciler } = reconcilerWith(paymentsSchedule());
    await store.claim(ref, 'default', 'run-1', 1, 'h');
    expect(await reconciler.poll({ all: true })).toBe(0);

    const tomorrow = Date.now() + 24 * 3600_000;
    const later = new ScheduleReconciler({
      clients: new Map([['default', { rest: rest() }]]),
      catalog: catalogServiceMock({
        entities: [...catalogUsers, paymentsSchedule()],
      }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      store,
      now: () => tomorrow,
    });
    later.connect({ jobs: new ManualJobs() } as unknown as MultivacWorkflow);
    expect(await later.poll({ all: false })).toBe(1);
  });

  it('imports a PagerDuty schedule and policy into a Schedule that reconciles with zero changes', async () => {
    const api = new PagerDutyScheduleApi(rest());
    const usersByEmail = new Map(
      catalogUsers.map(u => [
        (u.spec!.profile as { email: string }).email,
        `user:default/${u.metadata.name}`,
      ]),
    );
    const { yaml, entity, escalationPolicyId } = await importSchedule(
      api,
      usersByEmail,
      {
        scheduleId: 'PEXIST',
        owner: 'group:default/storefront',
        name: 'storefront-primary',
      },
    );

    expect(entity).toEqual({
      apiVersion: 'multivac.io/v1alpha1',
      kind: 'Schedule',
      metadata: {
        name: 'storefront-primary',
        title: 'Storefront primary',
        description: 'Made in PagerDuty',
        annotations: {
          'pagerduty.com/reconcile': 'true',
          'pagerduty.com/service-id': 'PSVC2',
        },
      },
      spec: {
        owner: 'group:default/storefront',
        timeZone: 'America/New_York',
        layers: [
          {
            name: 'daily',
            members: ['user:default/ada.lovelace', 'user:default/alan.turing'],
            rotation: { type: 'daily' },
            handoffTime: '10:00',
            start: '2026-01-01T10:00',
          },
          {
            name: 'business hours',
            members: ['user:default/grace.hopper'],
            restrictions: [
              {
                days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
                from: '09:00',
                to: '12:00',
              },
            ],
            rotation: { type: 'weekly', handoffDay: 'monday' },
            handoffTime: '09:00',
            start: '2026-01-05T09:00',
          },
        ],
        escalation: [
          { timeoutMinutes: 5, targets: [{ type: 'schedule' }] },
          {
            timeoutMinutes: 20,
            targets: [{ type: 'user', userRef: 'user:default/ken.thompson' }],
          },
        ],
      },
    });
    expect(yaml).toBe(
      [
        'apiVersion: multivac.io/v1alpha1',
        'kind: Schedule',
        'metadata:',
        '  name: storefront-primary',
        '  title: Storefront primary',
        '  description: Made in PagerDuty',
        '  annotations:',
        '    pagerduty.com/reconcile: "true"',
        '    pagerduty.com/service-id: PSVC2',
        'spec:',
        '  owner: group:default/storefront',
        '  timeZone: America/New_York',
        '  layers:',
        '    - name: daily',
        '      members:',
        '        - user:default/ada.lovelace',
        '        - user:default/alan.turing',
        '      rotation:',
        '        type: daily',
        '      handoffTime: "10:00"',
        '      start: "2026-01-01T10:00"',
        '    - name: business hours',
        '      members:',
        '        - user:default/grace.hopper',
        '      restrictions:',
        '        - days:',
        '            - monday',
        '            - tuesday',
        '            - wednesday',
        '            - thursday',
        '            - friday',
        '          from: "09:00"',
        '          to: "12:00"',
        '      rotation:',
        '        type: weekly',
        '        handoffDay: monday',
        '      handoffTime: "09:00"',
        '      start: "2026-01-05T09:00"',
        '  escalation:',
        '    - timeoutMinutes: 5',
        '      targets:',
        '        - type: schedule',
        '    - timeoutMinutes: 20',
        '      targets:',
        '        - type: user',
        '          userRef: user:default/ken.thompson',
        '',
      ].join('\n'),
    );

    // The file, once in the catalog, reconciles to the same PagerDuty objects.
    const file: Entity = {
      ...(entity as Entity),
      metadata: { ...entity.metadata, namespace: 'default' },
    };
    const { reconciler, jobs } = reconcilerWith(file);
    // As the import route records them.
    await reconciler.recordImported(
      'schedule:default/storefront-primary',
      'default',
      { scheduleId: 'PEXIST', escalationPolicyId: escalationPolicyId! },
    );
    expect(
      await reconciler.state('schedule:default/storefront-primary'),
    ).toMatchObject({
      status: 'pending',
      pagerDuty: { scheduleId: 'PEXIST', escalationPolicyId: 'PEPEXIST' },
    });
    const plan = await reconciler.plan(file);
    expect(plan.changes).toEqual([
      { resource: 'schedule', action: 'none', id: 'PEXIST', fields: [] },
      {
        resource: 'escalationPolicy',
        action: 'none',
        id: 'PEPEXIST',
        fields: [],
      },
      { resource: 'serviceLink', action: 'none', id: 'PSVC2', fields: [] },
    ]);
    await reconciler.enqueue(file, 'test');
    await jobs.runNext();
    expect(
      await reconciler.state('schedule:default/storefront-primary'),
    ).toMatchObject({
      status: 'succeeded',
    });
    expect(fake.writes).toEqual([]);
  });

  it('refuses to import what a Schedule cannot say, naming the field', async () => {
    const api = new PagerDutyScheduleApi(rest());
    await expect(
      importSchedule(api, new Map(), {
        scheduleId: 'PEXIST',
        owner: 'group:default/storefront',
        name: 'storefront-primary',
      }),
    ).rejects.toThrow(
      'schedule_layers[0].users[0]: PagerDuty user PADA (ada@nimbus.example) has no catalog User with that email (spec.profile.email)',
    );
    await expect(
      importSchedule(api, new Map(), {
        scheduleId: 'PNOPE',
        owner: 'group:default/storefront',
        name: 'x',
      }),
    ).rejects.toThrow(
      "scheduleId: PagerDuty account 'default' has no schedule PNOPE",
    );
  });
});
