import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Release } from '@multivac/plugin-multivac-common';
import {
  MultivacWorkflow,
  ReleaseChange,
  WorkflowJobs,
} from '@multivac/plugin-multivac-node';
import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { PagerDutyEventsClient } from '../client/PagerDutyEventsClient';
import { PagerDutyAccount } from '../client/pagerDutySchemas';
import {
  FakePagerDuty,
  startFakePagerDuty,
} from '../__testUtils__/fakePagerDuty';
import { euAccount, paymentsAccount } from '../__testUtils__/fixtures';
import { PagerDutyReleaseSubscriber } from './PagerDutyReleaseSubscriber';

const key = (value: string) => ({ 'pagerduty.com/integration-key': value });

/**
 * payments-api borrows its key from its owner Group; checkout, owned by a
 * Group without a key, from its System; ledger-service has its own key in
 * the EU account; reporting shares the payments Group's key.
 */
const catalog = [
  entity('Group', 'payments', { annotations: key('PAYMENTS-KEY') }),
  entity('Group', 'storefront'),
  entity('System', 'shop', { annotations: key('SHOP-KEY') }),
  entity('Component', 'payments-api', {
    relations: [
      ['ownedBy', 'group:default/payments'],
      ['partOf', 'system:default/shop'],
    ],
  }),
  entity('Component', 'checkout', {
    relations: [
      ['ownedBy', 'group:default/storefront'],
      ['partOf', 'system:default/shop'],
    ],
  }),
  entity('Component', 'ledger-service', {
    annotations: { ...key('LEDGER-KEY'), 'pagerduty.com/account': 'eu' },
  }),
  entity('Component', 'reporting', {
    relations: [['ownedBy', 'group:default/payments']],
  }),
  entity('Component', 'unannotated'),
  entity('Component', 'elsewhere', {
    annotations: { ...key('ELSEWHERE-KEY'), 'pagerduty.com/account': 'apac' },
  }),
];

const release = (overrides: Partial<Release> = {}): Release => ({
  id: 'r1',
  number: 1,
  reference: 'REL-1',
  entityRef: 'component:default/payments-api',
  title: 'v2.4.1',
  environment: 'production',
  start: '2026-11-24T14:00:00.000Z',
  end: '2026-11-24T14:30:00.000Z',
  status: 'in_progress',
  ownerRef: 'group:default/payments',
  links: [
    { kind: 'ci', url: 'https://ci.example.com/runs/7' },
    {
      kind: 'changelog',
      url: 'https://git.example.com/payments-api/releases/v2.4.1',
      title: 'v2.4.1 notes',
    },
    { kind: 'other', url: 'https://wiki.example.com/runbook' },
  ],
  notes: '',
  createdBy: 'user:default/ada.lovelace',
  createdAt: '2026-11-20T09:00:00.000Z',
  updatedAt: '2026-11-21T09:30:00.000Z',
  history: [
    { status: 'planned', at: '2026-11-20T09:00:00.000Z', by: 'ci' },
    { status: 'in_progress', at: '2026-11-24T14:02:00.000Z', by: 'ci' },
  ],
  ...overrides,
});

const dependents = [
  {
    entityRef: 'component:default/checkout',
    ownerRef: 'group:default/storefront',
    reason: 'checkout depends on payments-api',
  },
  {
    entityRef: 'component:default/ledger-service',
    reason: 'ledger-service consumes the payments API',
  },
  {
    entityRef: 'component:default/reporting',
    ownerRef: 'group:default/payments',
    reason: 'reporting depends on payments-api',
  },
  {
    entityRef: 'component:default/unannotated',
    reason: 'unannotated depends on payments-api',
  },
];

const changeOf = (overrides: Partial<ReleaseChange> = {}): ReleaseChange => ({
  release: release(),
  change: 'starting',
  dependents,
  deliveryId: 'job-1',
  attempt: 1,
  ...overrides,
});

/**
 * The plugin's job queue as modules see it, in memory: a job per
 * idempotency key, run when the test says so, kept until it succeeds.
 */
function jobQueue() {
  type Handler = Parameters<WorkflowJobs['registerHandler']>[1];
  const handlers = new Map<string, Handler>();
  const pending = new Map<
    string,
    { type: string; payload: Record<string, unknown>; attempt: number }
  >();
  const keys = new Set<string>();
  const jobs: WorkflowJobs = {
    registerHandler: (type, handler) => handlers.set(type, handler),
    async enqueue({ type, idempotencyKey, payload }) {
      if (keys.has(idempotencyKey)) {
        return false;
      }
      keys.add(idempotencyKey);
      pending.set(idempotencyKey, { type, payload, attempt: 0 });
      return true;
    },
  };
  /** Runs every pending job once; returns the failures' messages. */
  async function runPending(): Promise<string[]> {
    const failures: string[] = [];
    for (const [jobKey, job] of pending) {
      job.attempt += 1;
      try {
        await handlers.get(job.type)!({
          id: jobKey,
          ...job,
          signal: new AbortController().signal,
        });
        pending.delete(jobKey);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    return failures;
  }
  return { jobs, runPending, enqueued: () => keys.size };
}

describe('PagerDutyReleaseSubscriber', () => {
  let us: FakePagerDuty;
  let eu: FakePagerDuty;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let queue: ReturnType<typeof jobQueue>;
  let euClosed: boolean;

  beforeEach(async () => {
    us = await startFakePagerDuty(paymentsAccount());
    eu = await startFakePagerDuty(euAccount());
    logger = mockServices.logger.mock();
    queue = jobQueue();
    euClosed = false;
  });
  afterEach(async () => {
    await us.close();
    if (!euClosed) await eu.close();
  });

  const subscriber = (
    options: { onScheduled?: boolean; withJobs?: boolean } = {},
  ) => {
    const client = (id: string, fake: FakePagerDuty, apiToken: string) => {
      const account: PagerDutyAccount = {
        id,
        apiBaseUrl: fake.url,
        eventsBaseUrl: fake.url,
        apiToken,
      };
      return {
        account,
        events: new PagerDutyEventsClient(account, { sleep: async () => {} }),
      };
    };
    const created = new PagerDutyReleaseSubscriber({
      clients: new Map([
        ['default', client('default', us, 'us-token')],
        ['eu', client('eu', eu, 'eu-token')],
      ]),
      catalog: catalogServiceMock({ entities: catalog }),
      auth: mockServices.auth(),
      logger,
      onScheduled: options.onScheduled ?? false,
    });
    if (options.withJobs ?? true) {
      created.connect({
        jobs: queue.jobs,
        urls: {
          release: (reference: string) =>
            `http://portal.example/multivac/releases/${reference}`,
        },
      } as unknown as MultivacWorkflow);
    }
    return created;
  };

  /** The change reaches the subscriber, and the jobs it makes run once. */
  const deliver = async (
    change: ReleaseChange,
    options: { onScheduled?: boolean } = {},
  ) => {
    await subscriber(options).onReleaseChange(change);
    return queue.runPending();
  };

  const changeRequests = (fake: FakePagerDuty) =>
    fake.requests.filter(r => r.path === '/v2/change/enqueue');

  it('sends a starting release to its own and its dependents’ integrations, each once, in their accounts', async () => {
    expect(await deliver(changeOf())).toEqual([]);

    const payload = {
      summary:
        'Release payments-api v2.4.1 to production started (14:00–14:30 UTC)',
      timestamp: '2026-11-24T14:02:00.000Z',
      source: 'component:default/payments-api',
      custom_details: {
        release: 'REL-1',
        entity: 'component:default/payments-api',
        title: 'v2.4.1',
        environment: 'production',
        window: {
          start: '2026-11-24T14:00:00.000Z',
          end: '2026-11-24T14:30:00.000Z',
        },
        status: 'in_progress',
        owner: 'group:default/payments',
        dependents: dependents.map(d => d.reason),
      },
    };
    const links = [
      {
        href: 'http://portal.example/multivac/releases/REL-1',
        text: 'REL-1 in Multivac',
      },
      { href: 'https://ci.example.com/runs/7', text: 'CI run' },
      {
        href: 'https://git.example.com/payments-api/releases/v2.4.1',
        text: 'v2.4.1 notes',
      },
    ];
    // payments-api and reporting share the payments Group's key. Sent at
    // the same time, they may arrive in either order.
    expect(us.changeEvents()).toHaveLength(2);
    expect(us.changeEvents()).toEqual(
      expect.arrayContaining([
        { routing_key: 'PAYMENTS-KEY', payload, links },
        { routing_key: 'SHOP-KEY', payload, links },
      ]),
    );
    expect(eu.changeEvents()).toEqual([
      { routing_key: 'LEDGER-KEY', payload, links },
    ]);
    expect(us.events()).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      'Sending PagerDuty change event for REL-1 (starting) to 3 integrations',
    );
  });

  it('dates a starting release by its window when nobody marked it in progress, and cuts long summaries to 1024 characters', async () => {
    await deliver(
      changeOf({
        release: release({
          status: 'planned',
          title: 'x'.repeat(2000),
          end: '2026-11-25T02:00:00.000Z',
          history: [
            { status: 'planned', at: '2026-11-20T09:00:00.000Z', by: 'ci' },
          ],
        }),
        dependents: [],
      }),
    );

    const [event] = us.changeEvents() as Array<{ payload: any }>;
    expect(event.payload.timestamp).toBe('2026-11-24T14:00:00.000Z');
    expect(event.payload.summary).toHaveLength(1024);
    expect(event.payload.summary.endsWith('…')).toBe(true);
    expect(event.payload.custom_details).not.toHaveProperty('dependents');
  });

  it('sends scheduled releases only with onScheduled, and not once cancelled', async () => {
    const scheduled = changeOf({
      change: 'scheduled',
      release: release({ status: 'planned', history: [] }),
      dependents: [],
    });
    await deliver(scheduled);
    await deliver(changeOf({ change: 'status' }));
    expect(us.requests).toEqual([]);

    await deliver(scheduled, { onScheduled: true });
    await deliver(
      {
        ...scheduled,
        deliveryId: 'job-2',
        release: release({ status: 'cancelled' }),
      },
      { onScheduled: true },
    );
    expect(us.changeEvents()).toEqual([
      expect.objectContaining({
        routing_key: 'PAYMENTS-KEY',
        payload: expect.objectContaining({
          summary:
            'Release payments-api v2.4.1 to production scheduled (2026-11-24 14:00–14:30 UTC)',
          timestamp: '2026-11-21T09:30:00.000Z',
        }),
      }),
    ]);
  });

  it('sends nothing, quietly, when no entity has an integration key', async () => {
    await deliver(
      changeOf({
        release: release({ entityRef: 'component:default/unannotated' }),
        dependents: [dependents[3]],
      }),
    );

    expect(us.requests).toEqual([]);
    expect(eu.requests).toEqual([]);
    expect(logger.debug).toHaveBeenCalledWith(
      'No PagerDuty change event for REL-1: neither component:default/unannotated ' +
        'nor its dependents have pagerduty.com/integration-key',
    );
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('skips an entity naming an unknown account with a warning, and sends the others', async () => {
    await deliver(
      changeOf({
        dependents: [
          { entityRef: 'component:default/elsewhere', reason: 'elsewhere' },
        ],
      }),
    );

    expect(us.changeEvents()).toEqual([
      expect.objectContaining({ routing_key: 'PAYMENTS-KEY' }),
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      "No PagerDuty change event for component:default/elsewhere: component:default/elsewhere names PagerDuty account 'apac' (pagerduty.com/account), which is not in multivac.pagerDuty.accounts",
    );
  });

  it('waits out a 429 and sends again', async () => {
    us.rateLimitNext(1);
    expect(await deliver(changeOf({ dependents: [] }))).toEqual([]);

    expect(changeRequests(us)).toHaveLength(2);
    expect(us.changeEvents()).toEqual([
      expect.objectContaining({ routing_key: 'PAYMENTS-KEY' }),
    ]);
  });

  it("fails what PagerDuty refuses in that integration's job, which retries", async () => {
    const refused = release({
      links: [{ kind: 'ci', url: 'ci.example.com/runs/7' }],
    });

    const refusal =
      "PagerDuty POST /v2/change/enqueue (change) answered 400: Event object is invalid; 'links' must be a list of { href, text } with URLs";
    expect(await deliver(changeOf({ release: refused }))).toEqual([
      refusal,
      refusal,
      refusal,
    ]);
    expect(changeRequests(us)).toHaveLength(2);
    expect(changeRequests(eu)).toHaveLength(1);
    expect(await queue.runPending()).toHaveLength(3);
    expect(changeRequests(us)).toHaveLength(4);
  });

  it('does not send the change again to integrations that have it when another one is down', async () => {
    await eu.close();
    euClosed = true;
    const change = changeOf();

    const failures = await deliver(change);
    expect(failures).toHaveLength(1); // ledger-service's, in the EU account
    expect(us.changeEvents()).toHaveLength(2);

    // The EU job retries on its own, and a retried delivery of the same
    // change makes no new jobs.
    expect(await queue.runPending()).toHaveLength(1);
    await subscriber().onReleaseChange({ ...change, attempt: 2 });
    expect(queue.enqueued()).toBe(3);
    expect(await queue.runPending()).toHaveLength(1);
    expect(us.changeEvents()).toHaveLength(2);
  });

  it('cannot send before the plugin has started its job queue', async () => {
    const unready = subscriber({ withJobs: false });
    await expect(unready.onReleaseChange(changeOf())).rejects.toThrow(
      'PagerDuty change events: the job queue is not ready',
    );
  });

  describe('fromConfig', () => {
    const fromConfig = (changeEvents?: object) =>
      PagerDutyReleaseSubscriber.fromConfig(
        new ConfigReader({
          multivac: { pagerDuty: { apiToken: 'token', changeEvents } },
        }),
        {
          clients: new Map(),
          catalog: catalogServiceMock(),
          auth: mockServices.auth(),
          logger,
        },
      );

    it('is on by default, for starting releases only', async () => {
      const defaults = fromConfig();
      expect(defaults?.id).toBe('pagerduty');
      await defaults!.onReleaseChange(
        changeOf({ change: 'scheduled', dependents: [] }),
      );
      expect(logger.debug).not.toHaveBeenCalled(); // not even looked up
    });

    it('is off with enabled: false', () => {
      expect(fromConfig({ enabled: false })).toBeUndefined();
    });

    it('also sends scheduled releases with onScheduled: true', async () => {
      await fromConfig({ onScheduled: true })!.onReleaseChange(
        changeOf({ change: 'scheduled', dependents: [] }),
      );
      // The empty catalog has no key: looked up, then skipped.
      expect(logger.debug).toHaveBeenCalledTimes(1);
    });
  });
});
