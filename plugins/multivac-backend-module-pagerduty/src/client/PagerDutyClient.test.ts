import { ConfigReader } from '@backstage/config';
import {
  FakePagerDuty,
  startFakePagerDuty,
} from '../__testUtils__/fakePagerDuty';
import { paymentsAccount } from '../__testUtils__/fixtures';
import { TtlCache } from './cache';
import {
  DEFAULT_ACCOUNT,
  PagerDutyAccount,
  PagerDutyClient,
  PagerDutyClientOptions,
  PagerDutyEvent,
} from './PagerDutyClient';

describe('PagerDutyClient', () => {
  let fake: FakePagerDuty;
  let sleeps: number[];

  beforeEach(async () => {
    fake = await startFakePagerDuty(paymentsAccount({ pageSize: 3 }));
    sleeps = [];
  });
  afterEach(() => fake.close());

  const account = (overrides: Partial<PagerDutyAccount> = {}) => ({
    id: DEFAULT_ACCOUNT,
    apiToken: 'us-token',
    apiBaseUrl: fake.url,
    eventsBaseUrl: fake.url,
    ...overrides,
  });
  const client = (
    overrides: Partial<PagerDutyAccount> = {},
    options: PagerDutyClientOptions = {},
  ) =>
    new PagerDutyClient(account(overrides), {
      sleep: async ms => {
        sleeps.push(ms);
      },
      ...options,
    });

  it('sends the REST token and API version headers', async () => {
    const service = await client().getService('PSVC1');

    expect(service).toEqual({
      id: 'PSVC1',
      name: 'Payments API',
      html_url: 'https://nimbus.pagerduty.com/service-directory/PSVC1',
      escalation_policy: expect.objectContaining({ id: 'PEP1' }),
    });
    expect(fake.requests[0].path).toBe('/services/PSVC1');
    expect(fake.requests[0].headers).toMatchObject({
      authorization: 'Token token=us-token',
      accept: 'application/vnd.pagerduty+json;version=2',
    });
  });

  it('reads the escalation rules of a policy', async () => {
    const policy = await client().getEscalationPolicy('PEP1');

    expect(policy.name).toBe('Payments escalation');
    expect(
      policy.escalation_rules.map(r => r.escalation_delay_in_minutes),
    ).toEqual([30, 15, 60]);
  });

  it('lists on-calls across pages with offset and more', async () => {
    const onCalls = await client().listOnCalls({
      escalationPolicyIds: ['PEP1'],
      since: new Date('2026-02-01T00:00:00Z'),
      until: new Date('2026-04-01T00:00:00Z'),
    });

    expect(onCalls).toHaveLength(7);
    expect(onCalls.every(o => o.escalation_policy.id === 'PEP1')).toBe(true);
    const pages = fake.requests.filter(r => r.path === '/oncalls');
    expect(pages.map(r => r.query.get('offset'))).toEqual(['0', '3', '6']);
    expect(pages[0].query.getAll('escalation_policy_ids[]')).toEqual(['PEP1']);
    expect(pages[0].query.get('since')).toBe('2026-02-01T00:00:00.000Z');
    expect(pages[0].query.get('until')).toBe('2026-04-01T00:00:00.000Z');
  });

  it('reads a user with contact methods', async () => {
    const user = await client().getUser('PADA');

    expect(fake.requests[0].query.getAll('include[]')).toEqual([
      'contact_methods',
    ]);
    expect(user.contact_methods).toContainEqual(
      expect.objectContaining({
        type: 'phone_contact_method',
        country_code: 49,
        address: '3055501001',
      }),
    );
  });

  it('sends events with the routing key and no REST token', async () => {
    const event: PagerDutyEvent = {
      event_action: 'resolve',
      dedup_key: 'page-1',
    };

    await expect(client().sendEvent('routing-key', event)).resolves.toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'page-1',
    });
    expect(fake.events()).toEqual([{ routing_key: 'routing-key', ...event }]);
    expect(fake.requests[0].headers.authorization).toBeUndefined();
  });

  it("turns an invalid event into an InputError with PagerDuty's reasons", async () => {
    const triggerWithoutPayload: PagerDutyEvent = {
      event_action: 'trigger',
      dedup_key: 'page-1',
    };

    await expect(
      client().sendEvent('routing-key', triggerWithoutPayload),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        "PagerDuty POST /v2/enqueue (trigger) answered 400: Event object is invalid; 'payload.summary' is missing or blank; 'payload.source' is missing or blank; 'payload.severity' is invalid",
    });
  });

  describe('cache', () => {
    it('answers the same GET from the cache within the TTL', async () => {
      let now = 0;
      const pagerDuty = client({}, { cache: new TtlCache(60_000, () => now) });

      await pagerDuty.getService('PSVC1');
      now = 59_000;
      await pagerDuty.getService('PSVC1');
      expect(pagerDuty.stats.upstreamCalls).toBe(1);

      now = 60_000;
      await pagerDuty.getService('PSVC1');
      expect(pagerDuty.stats.upstreamCalls).toBe(2);
      expect(fake.requests).toHaveLength(2);
    });

    it('shares one upstream call between concurrent identical GETs', async () => {
      const pagerDuty = client();

      await Promise.all([pagerDuty.getUser('PADA'), pagerDuty.getUser('PADA')]);

      expect(pagerDuty.stats.upstreamCalls).toBe(1);
    });

    it('does not remember failures', async () => {
      const pagerDuty = client();
      fake.rateLimitNext(1, 120);

      await expect(pagerDuty.getService('PSVC1')).rejects.toThrow(
        /rate limited/,
      );
      await expect(pagerDuty.getService('PSVC1')).resolves.toMatchObject({
        id: 'PSVC1',
      });
    });

    it('does not share answers between accounts', async () => {
      const cache = new TtlCache(60_000);
      await client({}, { cache }).getService('PSVC1');

      const otherAccount = client(
        { id: 'other', apiToken: 'other-token' },
        { cache },
      );
      await expect(otherAccount.getService('PSVC1')).rejects.toMatchObject({
        name: 'AuthenticationError',
      });
      expect(otherAccount.stats.upstreamCalls).toBe(1);
    });

    it('is off with a TTL of 0', async () => {
      const pagerDuty = client({}, { cache: new TtlCache(0) });

      await pagerDuty.getService('PSVC1');
      await pagerDuty.getService('PSVC1');

      expect(pagerDuty.stats.upstreamCalls).toBe(2);
    });
  });

  describe('rate limits', () => {
    it('waits Retry-After seconds after a 429, then succeeds', async () => {
      const pagerDuty = client();
      fake.rateLimitNext(2, 1);

      await expect(pagerDuty.getService('PSVC1')).resolves.toMatchObject({
        id: 'PSVC1',
      });

      expect(sleeps).toEqual([1000, 1000]);
      expect(pagerDuty.stats.upstreamCalls).toBe(3);
      expect(fake.requests).toHaveLength(3);
    });

    it('really waits without an injected sleep', async () => {
      const pagerDuty = new PagerDutyClient(account());
      fake.rateLimitNext(1, 1);
      const started = Date.now();

      await pagerDuty.getService('PSVC1');

      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
      expect(fake.requests).toHaveLength(2);
    });

    it('retries events too', async () => {
      fake.rateLimitNext(1, 2);

      await client().sendEvent('routing-key', {
        event_action: 'acknowledge',
        dedup_key: 'page-1',
      });

      expect(sleeps).toEqual([2000]);
      expect(fake.events()).toHaveLength(1);
    });

    it('gives up with a clear error after the last retry', async () => {
      const pagerDuty = client({}, { maxRetries: 2 });
      fake.rateLimitNext(1000, 1);

      await expect(pagerDuty.getService('PSVC1')).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message:
          'PagerDuty GET /services/PSVC1 is rate limited: 429 Too Many Requests after 2 retries, Retry-After 1s; try again later',
      });
      expect(fake.requests).toHaveLength(3);
    });

    it('fails at once when Retry-After is too long to wait', async () => {
      fake.rateLimitNext(1, 120);

      await expect(client().getService('PSVC1')).rejects.toThrow(
        'PagerDuty GET /services/PSVC1 is rate limited: 429 Too Many Requests after 0 retries, Retry-After 120s; try again later',
      );
      expect(sleeps).toEqual([]);
    });
  });

  describe('errors', () => {
    it('turns 401 into an AuthenticationError naming the call and account', async () => {
      await expect(
        client({ apiToken: 'wrong' }).getService('PSVC1'),
      ).rejects.toMatchObject({
        name: 'AuthenticationError',
        message:
          "PagerDuty GET /services/PSVC1 answered 401: Unauthorized; check the apiToken of PagerDuty account 'default'",
      });
    });

    it('turns 404 into a NotFoundError', async () => {
      await expect(client().getUser('PNOBODY')).rejects.toMatchObject({
        name: 'NotFoundError',
        message: 'PagerDuty GET /users/PNOBODY answered 404: Not Found',
      });
    });

    it('turns network failures into a ServiceUnavailableError', async () => {
      const url = fake.url;
      await fake.close();
      fake = await startFakePagerDuty(paymentsAccount());

      await expect(
        client({ apiBaseUrl: url }).getService('PSVC1'),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(
          /^PagerDuty GET \/services\/PSVC1 failed; caused by/,
        ),
      });
    });

    it('rejects an answer of the wrong shape', async () => {
      await fake.close();
      fake = await startFakePagerDuty(
        paymentsAccount({ services: [{ id: 'PSVC1', name: 'No policy' }] }),
      );

      await expect(client().getService('PSVC1')).rejects.toThrow(
        'PagerDuty GET /services/PSVC1 answered an unexpected body (service.escalation_policy: Required)',
      );
    });
  });

  describe('fromConfig', () => {
    const fromConfig = (pagerDuty: object) =>
      PagerDutyClient.fromConfig(new ConfigReader({ multivac: { pagerDuty } }));

    it('defaults to the PagerDuty US service region', () => {
      const clients = fromConfig({ apiToken: 'token' });

      expect([...clients.values()].map(c => c.account)).toEqual([
        {
          id: 'default',
          apiToken: 'token',
          apiBaseUrl: 'https://api.pagerduty.com',
          eventsBaseUrl: 'https://events.pagerduty.com',
        },
      ]);
    });

    it('makes one client per account; base URLs default to the top-level ones', () => {
      const clients = fromConfig({
        apiToken: 'token',
        apiBaseUrl: 'https://api.eu.pagerduty.com/',
        accounts: [
          { id: 'eu', apiToken: 'eu-token' },
          {
            id: 'us',
            apiToken: 'us-token',
            apiBaseUrl: 'https://api.pagerduty.com',
            eventsBaseUrl: 'https://events.pagerduty.com',
          },
        ],
      });

      expect([...clients.keys()]).toEqual(['default', 'eu', 'us']);
      expect(clients.get('eu')!.account).toEqual({
        id: 'eu',
        apiToken: 'eu-token',
        apiBaseUrl: 'https://api.eu.pagerduty.com',
        eventsBaseUrl: 'https://events.pagerduty.com',
      });
      expect(clients.get('us')!.account.apiBaseUrl).toBe(
        'https://api.pagerduty.com',
      );
    });

    it('rejects repeated account ids, default included', () => {
      expect(() =>
        fromConfig({
          apiToken: 'token',
          accounts: [{ id: 'default', apiToken: 'other' }],
        }),
      ).toThrow(
        "multivac.pagerDuty.accounts: id 'default' is used more than once ('default' is the top-level apiToken)",
      );
    });

    it('rejects a base URL that is not absolute', () => {
      expect(() =>
        fromConfig({ apiToken: 'token', eventsBaseUrl: 'events.pagerduty' }),
      ).toThrow(
        "PagerDuty eventsBaseUrl 'events.pagerduty' in multivac.pagerDuty is not an absolute URL",
      );
    });

    it('needs the top-level apiToken', () => {
      expect(() => fromConfig({ accounts: [] })).toThrow(
        "Missing required config value at 'multivac.pagerDuty.apiToken'",
      );
    });
  });
});
