import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { Duration } from 'luxon';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { catalogEntities, schedule } from '../__testUtils__/paging';
import { DatabaseIncidentStore } from '../database/DatabaseIncidentStore';
import { DatabasePageStore } from '../database/DatabasePageStore';
import { migrateDatabase } from '../database/migrations';
import { pageDeliveries, reportDeliveries } from '../deliveries/kinds';
import { IncidentService } from '../incidents/IncidentService';
import {
  DatabaseJobQueue,
  DEFAULT_JOB_QUEUE_OPTIONS,
} from '../jobs/DatabaseJobQueue';
import { BuiltinOnCallProvider } from '../oncall/BuiltinOnCallProvider';
import { OnCallService } from '../oncall/OnCallService';
import { PagingService } from '../oncall/PagingService';
import { PeopleDirectory } from '../oncall/PeopleDirectory';
import { CatalogEntities } from '../service/CatalogEntities';
import { AlertIntegrations } from './AlertIntegrations';
import { AlertService } from './AlertService';
import { DatabaseIntegrationStore } from './DatabaseIntegrationStore';
import { DatabaseAlertStore } from './DatabaseAlertStore';
import { AlertIntegration, DEFAULT_URGENCY } from './integrations';
import { NormalizedAlert } from './types';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const integration: AlertIntegration = {
  id: 'prom',
  name: 'Prometheus',
  vendor: 'alertmanager',
  managedBy: 'config',
  secrets: ['unused-secret-0123456789'],
  hashedSecrets: [],
  rules: [],
  urgency: DEFAULT_URGENCY,
  groupWindowMinutes: 10,
  signatureHeader: 'x-grafana-alerting-signature',
  timestampHeader: 'x-grafana-alerting-timestamp',
};

const catalog = [...catalogEntities, entity('User', 'ada')];

const alert = (n: number, overrides: Partial<NormalizedAlert> = {}) => ({
  dedupKey: `fp${n}:2026-11-26T09:00:00.000Z`,
  status: 'firing' as const,
  summary: `Pod ${n} crash-looping`,
  severity: 'critical',
  labels: { service: 'payments-api', pod: `payments-api-${n}` },
  links: [],
  startsAt: '2026-11-26T09:00:00.000Z',
  ...overrides,
});

describe.each(databases.eachSupportedId())('AlertService on %s', id => {
  let knex: Knex;
  let jobs: DatabaseJobQueue;
  let pages: DatabasePageStore;
  let incidentStore: DatabaseIncidentStore;
  let incidents: IncidentService;
  let alerts: AlertService;
  let catalogByRefs: jest.SpyInstance;

  function build(
    db: Knex,
    ingestBatching?: ConstructorParameters<
      typeof AlertService
    >[0]['ingestBatching'],
  ) {
    const catalogService = catalogServiceMock({ entities: catalog });
    const catalogCalls = jest.spyOn(catalogService, 'getEntitiesByRefs');
    const auth = mockServices.auth();
    const queue = new DatabaseJobQueue(db, mockServices.logger.mock(), {
      ...DEFAULT_JOB_QUEUE_OPTIONS,
      maxAttempts: 3,
      initialBackoff: Duration.fromMillis(0),
    });
    const pageStore = new DatabasePageStore(db);
    const people = new PeopleDirectory(catalogService, auth);
    const builtin = new BuiltinOnCallProvider([schedule], people);
    const onCall = new OnCallService(catalogService, auth, [builtin]);
    const paging = new PagingService({
      store: pageStore,
      onCall,
      jobs: queue,
      catalog: catalogService,
      auth,
      builtin,
      people,
      deliveries: {
        pages: pageDeliveries(queue, [], pageId => pageStore.get(pageId)),
        reports: reportDeliveries(queue, [], () => Promise.resolve(undefined)),
      },
    });
    const store = new DatabaseIncidentStore(db);
    const incidentService = new IncidentService({
      store,
      entities: new CatalogEntities(catalogService, auth),
      auth,
    });
    const service = new AlertService({
      store: new DatabaseAlertStore(db),
      integrations: new AlertIntegrations({
        configured: [integration],
        store: new DatabaseIntegrationStore(db),
      }),
      jobs: queue,
      paging,
      incidents: incidentService,
      catalog: catalogService,
      auth,
      logger: mockServices.logger.mock(),
      ingestBatching,
    });
    return {
      queue,
      pageStore,
      store,
      incidentService,
      service,
      catalogByRefs: catalogCalls,
    };
  }

  beforeEach(async () => {
    knex = await databases.init(id);
    await migrateDatabase(knex);
    const built = build(knex);
    jobs = built.queue;
    pages = built.pageStore;
    incidentStore = built.store;
    incidents = built.incidentService;
    alerts = built.service;
    catalogByRefs = built.catalogByRefs;
  });

  async function runJobs(queue = jobs) {
    while ((await queue.runDueJobs()) > 0) {
      // processing enqueues the group's page
    }
  }

  const pagesFor = (entityRef: string) =>
    pages.list({ entityRefs: [entityRef], limit: 100 });

  it('500 alerts on one service within a minute: one group, one page', async () => {
    const start = Date.parse('2026-11-26T09:00:00Z');
    for (let n = 0; n < 500; n++) {
      await alerts.ingest(integration, alert(n), new Date(start + n * 100));
    }
    await runJobs();
    const { items, totalCount } = await alerts.list({ limit: 200, offset: 0 });
    expect(totalCount).toBe(500);
    const groupIds = new Set(items.map(a => a.groupId));
    expect(groupIds.size).toBe(1);
    const group = await alerts.getGroup([...groupIds][0]!);
    expect(group).toMatchObject({
      entityRef: 'component:default/payments-api',
      alertCount: 500,
      firingCount: 500,
      urgency: 'high',
    });
    const paged = await pagesFor('component:default/payments-api');
    expect(paged).toHaveLength(1);
    expect(paged[0]).toMatchObject({
      id: group.pageId,
      summary: 'payments-api: Pod 0 crash-looping (+499 more)',
      urgency: 'high',
    });
    // Routing asked the catalog about the service once, not 500 times.
    const routingCalls = catalogByRefs.mock.calls.filter(([req]) =>
      req.entityRefs.includes('component:default/payments-api'),
    );
    expect(routingCalls).toHaveLength(1);
  });

  it('a repeated delivery updates the alert; recovery resolves it and, with the last one, the group', async () => {
    const t = new Date('2026-11-26T09:00:00Z');
    await alerts.ingest(integration, alert(1), t);
    await alerts.ingest(integration, alert(2), t);
    const again = await alerts.ingest(
      integration,
      alert(1, { summary: 'Pod 1 still crash-looping' }),
      t,
    );
    expect(again).toMatchObject({ created: false, paged: false });
    await alerts.ingest(
      integration,
      alert(1, { status: 'resolved', summary: 'Pod 1 still crash-looping' }),
      t,
    );
    let group = await alerts.getGroup(again.alert.groupId!);
    expect(group).toMatchObject({ status: 'firing', firingCount: 1 });
    expect(group.alerts[0]).toMatchObject({
      summary: 'Pod 1 still crash-looping',
      status: 'resolved',
      deliveries: 3,
    });
    await alerts.ingest(integration, alert(2, { status: 'resolved' }), t);
    group = await alerts.getGroup(again.alert.groupId!);
    expect(group).toMatchObject({ status: 'resolved', firingCount: 0 });
    expect(group.resolvedAt).toBeDefined();
  });

  it('a resolved group resolves its page; a group resolved before its page went out pages nobody; a new alert after resolution opens a new group', async () => {
    const t = new Date('2026-11-26T09:00:00Z');
    const fired = await alerts.ingest(integration, alert(1), t);
    await runJobs();
    const paged = await alerts.getGroup(fired.alert.groupId!);
    expect((await pages.get(paged.pageId!))?.status).toBe('triggered');
    await alerts.ingest(integration, alert(1, { status: 'resolved' }), t);
    await runJobs();
    expect(await pages.get(paged.pageId!)).toMatchObject({
      status: 'resolved',
    });

    // Fires again after its group resolved: a new group, and a new page.
    const again = await alerts.ingest(integration, alert(2), t);
    expect(again.alert.groupId).not.toBe(fired.alert.groupId);
    expect(again.paged).toBe(true);
    // ...which recovers before the page job runs: nobody is paged.
    await alerts.ingest(integration, alert(2, { status: 'resolved' }), t);
    await runJobs();
    expect(await alerts.getGroup(again.alert.groupId!)).toMatchObject({
      status: 'resolved',
      pageId: undefined,
    });
    expect(await pagesFor('component:default/payments-api')).toHaveLength(1);
  });

  it('starts a new group (and page) once the rolling window passed', async () => {
    const t = Date.parse('2026-11-26T09:00:00Z');
    const first = await alerts.ingest(integration, alert(1), new Date(t));
    // Each alert extends the window: 9 minutes later still the same group.
    const second = await alerts.ingest(
      integration,
      alert(2),
      new Date(t + 9 * 60_000),
    );
    const third = await alerts.ingest(
      integration,
      alert(3),
      new Date(t + 20 * 60_000),
    );
    expect(second.alert.groupId).toBe(first.alert.groupId);
    expect(third.alert.groupId).not.toBe(first.alert.groupId);
    expect([first.paged, second.paged, third.paged]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('keeps dead letters and deliveries 7 days', async () => {
    await alerts.deadLetter({
      integrationId: 'prom',
      error: 'Unreadable Alertmanager payload: alerts: Required',
      body: '{"status":"firing"}',
    });
    await alerts.receive('prom', {
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { service: 'payments-api' },
          startsAt: '2026-11-26T09:00:00Z',
          fingerprint: 'fp',
        },
      ],
    });
    const day = 24 * 3600_000;
    expect(await alerts.prune(new Date(Date.now() + 6 * day))).toBe(0);
    expect(await alerts.listDeadLetters()).toHaveLength(1);
    expect(await alerts.prune(new Date(Date.now() + 8 * day))).toBe(2);
    expect(await alerts.listDeadLetters()).toEqual([]);
    // The delivery's job finds nothing left to do.
    await runJobs();
    expect((await alerts.list({ limit: 10, offset: 0 })).totalCount).toBe(0);
  });

  it('low urgency is recorded, not paged', async () => {
    const result = await alerts.ingest(
      integration,
      alert(1, { severity: 'warning' }),
    );
    await runJobs();
    expect(result.alert.urgency).toBe('low');
    expect(result.paged).toBe(false);
    expect(await pagesFor('component:default/payments-api')).toHaveLength(0);
  });

  it('an alert on an entity with an active incident goes on its timeline instead of paging', async () => {
    const incident = await incidents.declare(
      {
        title: 'Card payments fail',
        severity: 'SEV2',
        entityRefs: ['payments-api'],
      },
      { ref: 'user:default/ada', isUser: true },
    );
    const result = await alerts.ingest(integration, alert(1));
    await alerts.ingest(integration, alert(1)); // a repeat: no second note
    await alerts.ingest(integration, alert(1, { status: 'resolved' }));
    await runJobs();
    expect(result).toMatchObject({
      paged: false,
      alert: { incidentId: incident.id },
    });
    expect(await pagesFor('component:default/payments-api')).toHaveLength(0);
    const notes = (await incidentStore.getTimeline(incident.id))
      .filter(e => e.type === 'note')
      .map(e => e.payload.text);
    expect(notes).toEqual([
      'Alert firing: Pod 1 crash-looping (critical)',
      'Alert resolved: Pod 1 crash-looping (critical)',
    ]);
  });

  it("processes an integration's deliveries in the order they came, with every slot free", async () => {
    const incident = await incidents.declare(
      {
        title: 'Card payments flap',
        severity: 'SEV2',
        entityRefs: ['payments-api'],
      },
      { ref: 'user:default/ada', isUser: true },
    );
    // Four alerts that fire and resolve: each delivery is its own commit
    // and its own job.
    for (let n = 1; n <= 4; n++) {
      await alerts.ingest(integration, alert(n));
      await alerts.ingest(integration, alert(n, { status: 'resolved' }));
    }
    await runJobs();
    const notes = (await incidentStore.getTimeline(incident.id))
      .filter(e => e.type === 'note')
      .map(e => e.payload.text);
    expect(notes).toEqual(
      [1, 2, 3, 4].flatMap(n => [
        `Alert firing: Pod ${n} crash-looping (critical)`,
        `Alert resolved: Pod ${n} crash-looping (critical)`,
      ]),
    );
    const { items } = await alerts.list({ limit: 10, offset: 0 });
    expect(items.map(a => a.status)).toEqual(Array(4).fill('resolved'));
  });

  const delivery = (n: number) => ({
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { service: 'payments-api', severity: 'critical' },
        annotations: { summary: `Pod ${n} crash-looping` },
        startsAt: '2026-11-26T09:00:00Z',
        fingerprint: `fp${n}`,
      },
    ],
  });

  /** Storing fails for any batch of alerts with this fingerprint. */
  function failInsertsOf(fingerprint: string) {
    const insertAlerts = DatabaseAlertStore.prototype.insertAlerts;
    return jest
      .spyOn(DatabaseAlertStore.prototype, 'insertAlerts')
      .mockImplementation(async function failing(
        this: DatabaseAlertStore,
        tx,
        batch,
      ) {
        if (batch.some(a => a.dedupKey.startsWith(`${fingerprint}:`))) {
          throw new Error(`${fingerprint} cannot be stored`);
        }
        return insertAlerts.call(this, tx, batch);
      });
  }

  const processJobs = () =>
    knex('multivac_jobs')
      .where('type', 'alert.process')
      .orderBy('idempotency_key');

  it('concurrent deliveries share one transaction and one processing job', async () => {
    const received = await Promise.all(
      Array.from({ length: 20 }, (_, n) => alerts.receive('prom', delivery(n))),
    );
    expect(
      new Set(received.map(r => 'deliveryId' in r && r.deliveryId)).size,
    ).toBe(20);
    expect(alerts.deliveries.stats).toEqual({
      batches: 1,
      items: 20,
      largestBatch: 20,
    });
    const [job, ...more] = await processJobs();
    expect(more).toEqual([]);
    expect(JSON.parse(job.payload).deliveryIds).toEqual(
      received.map(r => 'deliveryId' in r && r.deliveryId),
    );
    await runJobs();
    const { items } = await alerts.list({ limit: 50, offset: 0 });
    expect(items).toHaveLength(20);
    expect(new Set(items.map(a => a.groupId)).size).toBe(1);
    expect(await pagesFor('component:default/payments-api')).toHaveLength(1);
  });

  it('a batch groups its alerts of one entity in order: repeats dedup, a recovery in the same batch resolves', async () => {
    const resolved = (n: number) => ({
      ...delivery(n),
      status: 'resolved',
      alerts: [{ ...delivery(n).alerts[0], status: 'resolved' }],
    });
    await Promise.all(
      [delivery(1), delivery(2), delivery(1), resolved(2), delivery(3)].map(d =>
        alerts.receive('prom', d),
      ),
    );
    expect(alerts.deliveries.stats.batches).toBe(1);
    await runJobs();
    const { items } = await alerts.list({ limit: 50, offset: 0 });
    const byFingerprint = Object.fromEntries(
      items.map(a => [a.dedupKey.split(':')[0], a]),
    );
    expect(Object.keys(byFingerprint).sort()).toEqual(['fp1', 'fp2', 'fp3']);
    expect(byFingerprint.fp1).toMatchObject({
      status: 'firing',
      deliveries: 2,
    });
    expect(byFingerprint.fp2).toMatchObject({
      status: 'resolved',
      deliveries: 2,
    });
    expect(new Set(items.map(a => a.groupId)).size).toBe(1);
    const group = await alerts.getGroup(items[0].groupId!);
    expect(group).toMatchObject({
      status: 'firing',
      alertCount: 3,
      firingCount: 2,
    });
    expect(await pagesFor('component:default/payments-api')).toHaveLength(1);
  });

  it('a delivery of a batch that cannot be processed is retried alone; its batch-mates are processed', async () => {
    await alerts.createIntegration(
      { id: 'gone', name: 'Gone', vendor: 'alertmanager' },
      'user:default/ada',
      'http://localhost',
    );
    const [a, lost, b] = await Promise.all([
      alerts.receive('prom', delivery(1)),
      alerts.receive('gone', delivery(2)),
      alerts.receive('prom', delivery(3)),
    ]);
    expect(alerts.deliveries.stats.batches).toBe(1);
    // Its integration is removed before processing: it cannot be routed.
    await alerts.deleteIntegration('gone');
    await runJobs();
    const { items } = await alerts.list({ limit: 50, offset: 0 });
    expect(items.map(i => i.summary).sort()).toEqual([
      'Pod 1 crash-looping',
      'Pod 3 crash-looping',
    ]);
    const jobsByKey = Object.fromEntries(
      (await processJobs()).map(j => [j.idempotency_key, j.status]),
    );
    const idOf = (r: typeof a) => ('deliveryId' in r ? r.deliveryId : '');
    expect(jobsByKey).toEqual({
      [`alert.process:batch:${idOf(a)}`]: 'succeeded',
      [`alert.process:${idOf(lost)}`]: 'failed',
    });
    expect(idOf(b)).not.toBe('');
  });

  it('an alert that fails in its batch transaction fails alone: the rest of the batch is stored, its delivery retried by a job of its own', async () => {
    const spy = failInsertsOf('fp3');
    const received = await Promise.all(
      [1, 2, 3, 4].map(n => alerts.receive('prom', delivery(n))),
    );
    expect(alerts.deliveries.stats.batches).toBe(1);
    try {
      await runJobs();
    } finally {
      spy.mockRestore();
    }
    const { items } = await alerts.list({ limit: 50, offset: 0 });
    expect(items.map(a => a.dedupKey.split(':')[0]).sort()).toEqual([
      'fp1',
      'fp2',
      'fp4',
    ]);
    expect(new Set(items.map(a => a.groupId)).size).toBe(1);
    expect(await pagesFor('component:default/payments-api')).toHaveLength(1);
    const idOf = (r: (typeof received)[number]) =>
      'deliveryId' in r ? r.deliveryId : '';
    const jobsByKey = Object.fromEntries(
      (await processJobs()).map(j => [j.idempotency_key, j.status]),
    );
    expect(jobsByKey).toEqual({
      [`alert.process:batch:${idOf(received[0])}`]: 'succeeded',
      [`alert.process:alone:${idOf(received[2])}`]: 'failed',
    });
  });

  it("works off a backlog of an integration's processing jobs 20 at a time, in order, and retries a delivery that fails among them alone", async () => {
    // one delivery per transaction, so one processing job per delivery
    const oneByOne = build(knex, { maxBatch: 1, maxInFlight: 1 });
    const getDeliveries = jest.spyOn(
      DatabaseAlertStore.prototype,
      'getDeliveries',
    );
    const failing = failInsertsOf('fp7');
    const received: Array<Awaited<ReturnType<AlertService['receive']>>> = [];
    for (let n = 0; n < 45; n++) {
      received.push(await oneByOne.service.receive('prom', delivery(n)));
    }
    // the last one resolves the first: it must not overtake its firing
    received.push(
      await oneByOne.service.receive('prom', {
        ...delivery(0),
        status: 'resolved',
        alerts: [{ ...delivery(0).alerts[0], status: 'resolved' }],
      }),
    );
    expect(await processJobs()).toHaveLength(46);
    try {
      await runJobs(oneByOne.queue);
    } finally {
      failing.mockRestore();
    }
    // 20 + 20 + 6 jobs, then fp7's delivery alone (failing for good)
    const attempts = getDeliveries.mock.calls.map(([ids]) => ids.length);
    getDeliveries.mockRestore();
    expect(attempts.sort((a, b) => b - a)).toEqual([20, 20, 6, 1, 1, 1]);
    const { items } = await alerts.list({ limit: 100, offset: 0 });
    expect(items).toHaveLength(44);
    expect(items.find(a => a.dedupKey.startsWith('fp0:'))?.status).toBe(
      'resolved',
    );
    const idOf = (r: (typeof received)[number]) =>
      'deliveryId' in r ? r.deliveryId : '';
    const retried = await processJobs();
    expect(retried.filter(j => j.idempotency_key.includes(':alone:'))).toEqual([
      expect.objectContaining({
        idempotency_key: `alert.process:alone:${idOf(received[7])}`,
        status: 'failed',
      }),
    ]);
    expect(retried.filter(j => j.status === 'succeeded')).toHaveLength(46);
  });

  it('a failed transaction answers every delivery with an error and stores none', async () => {
    jest
      .spyOn(jobs, 'enqueue')
      .mockRejectedValue(new Error('the job table is unavailable'));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, n) => alerts.receive('prom', delivery(n))),
    );
    expect(outcomes.map(o => o.status)).toEqual(Array(10).fill('rejected'));
    expect(await knex('multivac_alert_deliveries')).toEqual([]);
    expect(await processJobs()).toEqual([]);
  });

  it('two replicas on one database processing the same deliveries: one alert, one page', async () => {
    const replica = build(knex);
    const deliveries = [alert(1), alert(2), alert(1), alert(3)];
    for (const a of deliveries) {
      await alerts.receive('prom', {
        status: 'firing',
        alerts: [
          {
            status: 'firing',
            labels: { ...a.labels, severity: 'critical' },
            annotations: { summary: a.summary },
            startsAt: a.startsAt,
            fingerprint: a.dedupKey.split(':')[0],
          },
        ],
      });
    }
    // Both workers take jobs from the same queue at once.
    await Promise.all([runJobs(jobs), runJobs(replica.queue)]);
    const { items } = await alerts.list({ limit: 10, offset: 0 });
    expect(items).toHaveLength(3);
    expect(new Set(items.map(a => a.groupId)).size).toBe(1);
    expect(await pagesFor('component:default/payments-api')).toHaveLength(1);
  });
  /** Alertmanager deliveries on two entities and none, with repeats and a recovery. */
  const mixed = () => {
    const one = (
      n: number,
      service: string,
      options: { status?: string; severity?: string } = {},
    ) => ({
      status: options.status ?? 'firing',
      alerts: [
        {
          status: options.status ?? 'firing',
          labels: { service, severity: options.severity ?? 'critical' },
          annotations: { summary: `${service} ${n}` },
          startsAt: '2026-11-26T09:00:00Z',
          fingerprint: `fp${n}`,
        },
      ],
    });
    return [
      one(1, 'payments-api'),
      one(2, 'checkout', { severity: 'warning' }),
      one(3, 'payments-api'),
      one(1, 'payments-api'),
      one(4, 'nowhere'),
      one(3, 'payments-api', { status: 'resolved' }),
      one(5, 'checkout', { severity: 'warning' }),
      one(2, 'checkout', { severity: 'warning', status: 'resolved' }),
      one(5, 'checkout', { severity: 'warning', status: 'resolved' }),
      one(6, 'payments-api', { severity: 'warning' }),
      one(4, 'nowhere'),
    ];
  };

  /** What the alert tables hold, without ids and times. */
  async function storedState(db: Knex) {
    const groups = await db('multivac_alert_groups').orderBy('entity_ref');
    const groupOf = new Map(
      groups.map(g => [g.id, `${g.entity_ref} #${groups.indexOf(g)}`]),
    );
    const stored = await db('multivac_alerts').orderBy('dedup_key');
    return {
      alerts: stored.map(a => ({
        dedupKey: a.dedup_key,
        status: a.status,
        summary: a.summary,
        urgency: a.urgency,
        entityRef: a.entity_ref,
        routedBy: a.routed_by,
        group: a.group_id && groupOf.get(a.group_id),
        deliveries: Number(a.deliveries),
        resolved: Boolean(a.resolved_at),
      })),
      groups: groups.map(g => ({
        entityRef: g.entity_ref,
        status: g.status,
        urgency: g.urgency,
        pageRequested: Boolean(g.page_requested),
        paged: Boolean(g.page_id),
        resolved: Boolean(g.resolved_at),
      })),
      entities: (await db('multivac_alert_entities').orderBy('entity_ref')).map(
        e => [
          e.entity_ref,
          e.current_group_id && groupOf.get(e.current_group_id),
        ],
      ),
      pages: (await db('multivac_pages')).length,
      jobs: (
        await db('multivac_jobs')
          .whereNot('type', 'alert.process')
          .orderBy('idempotency_key')
      ).map(j => `${j.type} ${j.status}`),
    };
  }

  it('N deliveries processed in one batch leave the same stored state as N single deliveries', async () => {
    await Promise.all(mixed().map(d => alerts.receive('prom', d)));
    expect(alerts.deliveries.stats.batches).toBe(1);
    await runJobs();

    const singleDb = await databases.init(id);
    await migrateDatabase(singleDb);
    const single = build(singleDb, { maxBatch: 1 });
    for (const d of mixed()) {
      await single.service.receive('prom', d);
      await runJobs(single.queue);
    }
    expect(single.service.deliveries.stats.largestBatch).toBe(1);

    const batched = await storedState(knex);
    expect(batched).toEqual(await storedState(singleDb));
    // And it is the state the rules say.
    expect(
      batched.alerts.map(a => [a.dedupKey, a.status, a.deliveries]),
    ).toEqual([
      ['fp1:2026-11-26T09:00:00.000Z', 'firing', 2],
      ['fp2:2026-11-26T09:00:00.000Z', 'resolved', 2],
      ['fp3:2026-11-26T09:00:00.000Z', 'resolved', 2],
      ['fp4:2026-11-26T09:00:00.000Z', 'firing', 2],
      ['fp5:2026-11-26T09:00:00.000Z', 'resolved', 2],
      ['fp6:2026-11-26T09:00:00.000Z', 'firing', 1],
    ]);
    expect(batched.groups).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/checkout',
        status: 'resolved',
        urgency: 'low',
        pageRequested: false,
      }),
      expect.objectContaining({
        entityRef: 'component:default/payments-api',
        status: 'firing',
        urgency: 'high',
        pageRequested: true,
        paged: true,
      }),
    ]);
    expect(batched.pages).toBe(1);
  });

  it('a batch is grouped in a bounded number of statements, however many alerts it has', async () => {
    const statements: string[] = [];
    const count = (query: { sql: string }) => {
      if (/multivac_(alert|incident)/.test(query.sql)) {
        statements.push(query.sql);
      }
    };
    const many = Array.from({ length: 80 }, (_, n) => ({
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: {
            service: ['payments-api', 'checkout', 'nowhere'][n % 3],
            severity: 'warning',
          },
          annotations: { summary: `Alert ${n}` },
          startsAt: '2026-11-26T09:00:00Z',
          fingerprint: `fp${n}`,
        },
      ],
    }));
    await Promise.all(many.map(d => alerts.receive('prom', d)));
    expect(alerts.deliveries.stats.batches).toBe(1);
    knex.on('query', count);
    try {
      await runJobs();
    } finally {
      knex.off('query', count);
    }
    expect((await alerts.list({ limit: 1, offset: 0 })).totalCount).toBe(80);
    // Read the deliveries; the active incidents of both entities (count
    // and page); lock both entities and read their groups; read the 80
    // alerts; open a group per entity (insert, pointer); insert the 80
    // alerts; write both groups' changes. One at a time it was 7 per alert.
    expect(statements.length).toBeLessThanOrEqual(13);
  });

  it('two replicas processing overlapping batches on several entities at once: one alert each, one group per entity, one page', async () => {
    const replica = build(knex);
    const batch = (first: number) =>
      Array.from({ length: 12 }, (_, i) => ({
        status: 'firing',
        alerts: [
          {
            status: 'firing',
            labels: {
              service: ['payments-api', 'checkout', 'nowhere'][i % 3],
              severity: 'critical',
            },
            annotations: { summary: `Alert ${first + i}` },
            startsAt: '2026-11-26T09:00:00Z',
            fingerprint: `fp${first + i}`,
          },
        ],
      }));
    // The same alerts reach both replicas (fp6 to fp11 in both batches).
    await Promise.all([
      ...batch(0).map(d => alerts.receive('prom', d)),
      ...batch(6).map(d => replica.service.receive('prom', d)),
    ]);
    await Promise.all([runJobs(jobs), runJobs(replica.queue)]);
    const { items } = await alerts.list({ limit: 50, offset: 0 });
    expect(items).toHaveLength(18);
    const groupsByEntity = new Map<
      string | undefined,
      Set<string | undefined>
    >();
    for (const a of items) {
      const set = groupsByEntity.get(a.entityRef) ?? new Set();
      set.add(a.groupId);
      groupsByEntity.set(a.entityRef, set);
    }
    expect(groupsByEntity.get('component:default/payments-api')?.size).toBe(1);
    expect(groupsByEntity.get('component:default/checkout')?.size).toBe(1);
    expect(await pagesFor('component:default/payments-api')).toHaveLength(1);
  });
});
