import {
  FakePagerDuty,
  startFakePagerDuty,
} from '../__testUtils__/fakePagerDuty';
import { AT, paymentsAccount, serviceFleet } from '../__testUtils__/fixtures';
import { TtlCache } from './cache';
import { DEFAULT_ACCOUNT } from './pagerDutyConfig';
import {
  PagerDutyRestClient,
  PagerDutyRestClientOptions,
} from './PagerDutyRestClient';
import { PagerDutyAccount, PagerDutyOAuth } from './pagerDutySchemas';

type TokenAccount = Extract<PagerDutyAccount, { apiToken: string }>;

const DEFAULT_SCOPES =
  'services.read escalation_policies.read schedules.read users.read ' +
  'users:contact_methods.read oncalls.read incidents.read incidents.write';

describe('PagerDutyRestClient', () => {
  let fake: FakePagerDuty;
  let sleeps: number[];

  beforeEach(async () => {
    fake = await startFakePagerDuty(paymentsAccount({ pageSize: 3 }));
    sleeps = [];
  });
  afterEach(() => fake.close());

  const account = (overrides: Partial<TokenAccount> = {}): TokenAccount => ({
    id: DEFAULT_ACCOUNT,
    apiToken: 'us-token',
    apiBaseUrl: fake.url,
    eventsBaseUrl: fake.url,
    ...overrides,
  });
  const client = (
    overrides: Partial<TokenAccount> = {},
    options: PagerDutyRestClientOptions = {},
  ) =>
    new PagerDutyRestClient(account(overrides), {
      sleep: async ms => {
        sleeps.push(ms);
      },
      ...options,
    });

  it('sends the REST token and API version headers', async () => {
    const service = await client().findService('PSVC1');

    expect(service).toEqual({
      id: 'PSVC1',
      name: 'Payments API',
      html_url: 'https://nimbus.pagerduty.com/service-directory/PSVC1',
      escalation_policy: {
        id: 'PEP1',
        name: 'Payments escalation',
        html_url: 'https://nimbus.pagerduty.com/escalation_policies/PEP1',
        escalation_rules: [
          { escalation_delay_in_minutes: 30 },
          { escalation_delay_in_minutes: 15 },
          { escalation_delay_in_minutes: 60 },
        ],
      },
    });
    expect(fake.requests[0].path).toBe('/services/PSVC1');
    expect(fake.requests[0].query.getAll('include[]')).toEqual([
      'escalation_policies',
    ]);
    expect(fake.requests[0].headers).toMatchObject({
      authorization: 'Token token=us-token',
      accept: 'application/vnd.pagerduty+json;version=2',
    });
  });

  it('finds no service for an unknown id, once per TTL', async () => {
    const pagerDuty = client();

    await expect(pagerDuty.findService('PNOPE')).resolves.toBeUndefined();
    await expect(pagerDuty.findService('PNOPE')).resolves.toBeUndefined();

    expect(fake.requests.map(r => r.path)).toEqual(['/services/PNOPE']);
  });

  it('lists every service with its escalation policy, page by page', async () => {
    await fake.close();
    fake = await startFakePagerDuty({
      ...serviceFleet(7, AT),
      apiToken: 'us-token',
      pageSize: 3,
    });

    const services = await client().servicesById();

    expect([...services.keys()]).toEqual([
      'PSVC00',
      'PSVC01',
      'PSVC02',
      'PSVC03',
      'PSVC04',
      'PSVC05',
      'PSVC06',
    ]);
    expect(services.get('PSVC03')!.escalation_policy).toMatchObject({
      id: 'PEP03',
      name: 'Escalation 03',
    });
    expect(
      fake.requests.map(r => [r.path, Object.fromEntries(r.query)]),
    ).toEqual(
      ['0', '3', '6'].map(offset => [
        '/services',
        { 'include[]': 'escalation_policies', limit: '100', offset },
      ]),
    );
  });

  it('lists on-calls across pages with offset and more, as one cache entry', async () => {
    const pagerDuty = client();
    const filter = {
      escalationPolicyIds: ['PEP1'],
      since: new Date('2026-02-01T00:00:00Z'),
      until: new Date('2026-04-01T00:00:00Z'),
    };

    const onCalls = await pagerDuty.listOnCalls(filter);
    await pagerDuty.listOnCalls(filter);

    expect(onCalls).toHaveLength(7);
    expect(onCalls.every(o => o.escalation_policy.id === 'PEP1')).toBe(true);
    const pages = fake.requests.filter(r => r.path === '/oncalls');
    expect(pages.map(r => r.query.get('offset'))).toEqual(['0', '3', '6']);
    expect(pages[0].query.getAll('escalation_policy_ids[]')).toEqual(['PEP1']);
    expect(pages[0].query.get('since')).toBe('2026-02-01T00:00:00.000Z');
    expect(pages[0].query.get('until')).toBe('2026-04-01T00:00:00.000Z');
    expect(pages[0].query.get('limit')).toBe('100');
  });

  it('lists every user with contact methods, page by page', async () => {
    const users = await client().usersById();

    expect([...users.keys()]).toEqual(['PADA', 'PGRACE', 'PALAN', 'PLINUS']);
    expect(users.get('PADA')!.contact_methods).toContainEqual(
      expect.objectContaining({ type: 'phone_contact_method' }),
    );
    expect(fake.requests.map(r => r.query.get('offset'))).toEqual(['0', '3']);
    expect(fake.requests[0].query.getAll('include[]')).toEqual([
      'contact_methods',
    ]);
  });

  it("stops listing at PagerDuty's 10,000 records instead of asking past them", async () => {
    await fake.close();
    fake = await startFakePagerDuty({
      apiToken: 'us-token',
      users: Array.from({ length: 10_050 }, (_, i) => ({
        id: `PU${i}`,
        name: `User ${i}`,
      })),
    });

    const users = await client().usersById();

    expect(users.size).toBe(10_000);
    expect(fake.requests).toHaveLength(100);
    expect(fake.requests.at(-1)!.query.get('offset')).toBe('9900');
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

  describe('cache', () => {
    it('answers the same GET from the cache within the TTL', async () => {
      let now = 0;
      const pagerDuty = client({}, { cache: new TtlCache(60_000, () => now) });

      await pagerDuty.findService('PSVC1');
      now = 59_000;
      await pagerDuty.findService('PSVC1');
      expect(pagerDuty.stats.upstreamCalls).toBe(1);

      now = 60_000;
      await pagerDuty.findService('PSVC1');
      expect(pagerDuty.stats.upstreamCalls).toBe(2);
      expect(fake.requests).toHaveLength(2);
    });

    it('shares one upstream call between concurrent identical GETs', async () => {
      const pagerDuty = client();

      await Promise.all([pagerDuty.getUser('PADA'), pagerDuty.getUser('PADA')]);

      expect(pagerDuty.stats.upstreamCalls).toBe(1);
    });

    it('shares a read of every page between concurrent callers', async () => {
      const pagerDuty = client();

      const [first, second] = await Promise.all([
        pagerDuty.usersById(),
        pagerDuty.usersById(),
      ]);

      expect(second).toBe(first);
      expect(pagerDuty.stats.upstreamCalls).toBe(2);
      expect(fake.requests).toHaveLength(2);
    });

    it('does not remember failures', async () => {
      const pagerDuty = client();
      fake.rateLimitNext(1, 120);

      await expect(pagerDuty.findService('PSVC1')).rejects.toThrow(
        /429 Too Many Requests/,
      );
      await expect(pagerDuty.findService('PSVC1')).resolves.toMatchObject({
        id: 'PSVC1',
      });
    });

    it('does not share answers between accounts', async () => {
      const cache = new TtlCache(60_000);
      await client({}, { cache }).findService('PSVC1');

      const otherAccount = client(
        { id: 'other', apiToken: 'other-token' },
        { cache },
      );
      await expect(otherAccount.findService('PSVC1')).rejects.toMatchObject({
        name: 'AuthenticationError',
      });
      expect(otherAccount.stats.upstreamCalls).toBe(1);
    });

    it('is off with a TTL of 0', async () => {
      const pagerDuty = client({}, { cache: new TtlCache(0) });

      await pagerDuty.findService('PSVC1');
      await pagerDuty.findService('PSVC1');

      expect(pagerDuty.stats.upstreamCalls).toBe(2);
    });
  });

  describe('rate limits', () => {
    it('waits Retry-After seconds after a 429, then succeeds', async () => {
      const pagerDuty = client();
      fake.rateLimitNext(2, 1);

      await expect(pagerDuty.findService('PSVC1')).resolves.toMatchObject({
        id: 'PSVC1',
      });

      expect(sleeps).toEqual([1000, 1000]);
      expect(pagerDuty.stats.upstreamCalls).toBe(3);
      expect(fake.requests).toHaveLength(3);
    });

    it('really waits without an injected sleep', async () => {
      const pagerDuty = new PagerDutyRestClient(account());
      fake.rateLimitNext(1, 1);
      const started = Date.now();

      await pagerDuty.findService('PSVC1');

      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
      expect(fake.requests).toHaveLength(2);
    });

    it('gives up with a clear error after the last retry', async () => {
      const pagerDuty = client({}, { maxRetries: 2 });
      fake.rateLimitNext(1000, 1);

      await expect(pagerDuty.findService('PSVC1')).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message:
          'PagerDuty GET /services/PSVC1 answered 429 Too Many Requests after 2 retries, Retry-After 1s; try again later',
      });
      expect(fake.requests).toHaveLength(3);
    });

    it('fails at once when Retry-After is too long to wait', async () => {
      fake.rateLimitNext(1, 120);

      await expect(client().findService('PSVC1')).rejects.toThrow(
        'PagerDuty GET /services/PSVC1 answered 429 Too Many Requests after 0 retries, Retry-After 120s; try again later',
      );
      expect(sleeps).toEqual([]);
    });
  });

  describe('errors', () => {
    it('turns 401 into an AuthenticationError naming the call and account', async () => {
      await expect(
        client({ apiToken: 'wrong' }).findService('PSVC1'),
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
        client({ apiBaseUrl: url }).findService('PSVC1'),
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

      await expect(client().findService('PSVC1')).rejects.toThrow(
        'PagerDuty GET /services/PSVC1 answered an unexpected body (service.escalation_policy: Required)',
      );
    });
  });

  describe('incidents', () => {
    const from = 'ada@nimbus.example';

    it('creates an incident with the From header and the documented body', async () => {
      const incident = await client().createIncident(
        {
          serviceId: 'PSVC1',
          title: 'Card payments failing',
          urgency: 'high',
          body: 'Declared in Multivac',
          incidentKey: 'multivac-incident-7',
          escalationPolicyId: 'PEP1',
        },
        from,
      );

      expect(incident).toMatchObject({
        id: 'PINC1',
        title: 'Card payments failing',
        status: 'triggered',
        incident_key: 'multivac-incident-7',
        urgency: 'high',
        service: { id: 'PSVC1' },
      });
      expect(fake.requests[0]).toMatchObject({
        method: 'POST',
        path: '/incidents',
        headers: {
          from,
          authorization: 'Token token=us-token',
          'content-type': 'application/json',
        },
        body: {
          incident: {
            type: 'incident',
            title: 'Card payments failing',
            service: { id: 'PSVC1', type: 'service_reference' },
            urgency: 'high',
            body: { type: 'incident_body', details: 'Declared in Multivac' },
            incident_key: 'multivac-incident-7',
            escalation_policy: {
              id: 'PEP1',
              type: 'escalation_policy_reference',
            },
          },
        },
      });
    });

    it('sends only what was given', async () => {
      await client().createIncident(
        { serviceId: 'PSVC1', title: 'Slow', urgency: 'low' },
        from,
      );

      expect(fake.requests[0].body).toEqual({
        incident: {
          type: 'incident',
          title: 'Slow',
          service: { id: 'PSVC1', type: 'service_reference' },
          urgency: 'low',
        },
      });
    });

    it('acknowledges and resolves with an incident reference, as the account From email', async () => {
      const pagerDuty = client({ fromEmail: from });
      const { id } = await pagerDuty.createIncident({
        serviceId: 'PSVC1',
        title: 'Card payments failing',
        urgency: 'high',
      });

      await expect(pagerDuty.acknowledgeIncident(id)).resolves.toMatchObject({
        id,
        status: 'acknowledged',
      });
      await expect(
        pagerDuty.resolveIncident(id, 'grace@nimbus.example'),
      ).resolves.toMatchObject({ id, status: 'resolved' });

      const updates = fake.requests.filter(r => r.method === 'PUT');
      expect(updates.map(r => [r.path, r.headers.from, r.body])).toEqual([
        [
          `/incidents/${id}`,
          from,
          { incident: { type: 'incident_reference', status: 'acknowledged' } },
        ],
        [
          `/incidents/${id}`,
          'grace@nimbus.example',
          { incident: { type: 'incident_reference', status: 'resolved' } },
        ],
      ]);
      expect(fake.incidents()[0].status).toBe('resolved');
    });

    it('needs a From email before calling PagerDuty', async () => {
      await expect(client().acknowledgeIncident('PINC1')).rejects.toMatchObject(
        {
          name: 'InputError',
          message:
            "PagerDuty PUT /incidents/PINC1 needs the email of a PagerDuty user for its From header: set multivac.pagerDuty.fromEmail, or fromEmail of account 'default'",
        },
      );
      expect(fake.requests).toEqual([]);
    });

    it("reports PagerDuty's reasons for rejecting an incident", async () => {
      const pagerDuty = client({ fromEmail: from });
      const request = {
        serviceId: 'PSVC1',
        title: 'Card payments failing',
        urgency: 'high' as const,
        incidentKey: 'multivac-incident-7',
      };
      await pagerDuty.createIncident(request);

      await expect(pagerDuty.createIncident(request)).rejects.toMatchObject({
        name: 'InputError',
        message:
          "PagerDuty POST /incidents answered 400: Invalid Input Provided; Open incident with key 'multivac-incident-7' already exists",
      });
      await expect(
        pagerDuty.createIncident(request, 'nobody@nimbus.example'),
      ).rejects.toThrow(
        'answered 400: Invalid Input Provided; Requester User Not Found',
      );
      await expect(pagerDuty.resolveIncident('PNOPE')).rejects.toMatchObject({
        name: 'NotFoundError',
      });
    });

    it('finds the newest incident with a key, however old, without caching', async () => {
      await fake.close();
      const incident = (id: string, createdAt: string, status: string) => ({
        id,
        type: 'incident',
        title: 'Card payments failing',
        status,
        incident_key: 'multivac-page-1',
        created_at: createdAt,
        service: { id: 'PSVC1', type: 'service_reference' },
      });
      fake = await startFakePagerDuty(
        paymentsAccount({
          incidents: [
            incident('POLD', '2024-01-01T00:00:00Z', 'resolved'),
            incident('PNEW', '2024-06-01T00:00:00Z', 'acknowledged'),
          ],
        }),
      );
      const pagerDuty = client();

      await expect(
        pagerDuty.findIncidentByKey('multivac-page-1'),
      ).resolves.toMatchObject({ id: 'PNEW', status: 'acknowledged' });
      await expect(pagerDuty.findIncidentByKey('unknown')).resolves.toBe(
        undefined,
      );
      await pagerDuty.findIncidentByKey('multivac-page-1');

      expect(pagerDuty.stats.upstreamCalls).toBe(3);
      expect(Object.fromEntries(fake.requests[0].query)).toEqual({
        incident_key: 'multivac-page-1',
        date_range: 'all',
        sort_by: 'created_at:desc',
        limit: '1',
      });
    });
  });

  describe('OAuth client credentials', () => {
    let now: number;
    const oauth = (
      overrides: Partial<PagerDutyOAuth> = {},
    ): PagerDutyOAuth => ({
      clientId: 'multivac-app',
      clientSecret: 'app-secret',
      region: 'us',
      subdomain: 'nimbus',
      scopes: DEFAULT_SCOPES,
      tokenUrl: `${fake.url}/oauth/token`,
      ...overrides,
    });
    // Without the cache every call goes to PagerDuty with the token.
    const oauthClient = (
      overrides: Partial<PagerDutyOAuth> = {},
      apiBaseUrl = fake.url,
    ) =>
      new PagerDutyRestClient(
        {
          id: DEFAULT_ACCOUNT,
          apiBaseUrl,
          eventsBaseUrl: fake.url,
          oauth: oauth(overrides),
        },
        { cache: new TtlCache(0), now: () => now },
      );
    const tokenRequests = () =>
      fake.requests.filter(r => r.path === '/oauth/token');

    beforeEach(async () => {
      now = 0;
      await fake.close();
      fake = await startFakePagerDuty(
        paymentsAccount({
          oauthClients: [
            {
              clientId: 'multivac-app',
              clientSecret: 'app-secret',
              subdomain: 'nimbus',
            },
            {
              clientId: 'multivac-app',
              clientSecret: 'app-secret',
              subdomain: 'nimbus-eu',
              region: 'eu',
            },
          ],
        }),
      );
    });

    it('asks for a token when first needed and sends it as Bearer', async () => {
      const pagerDuty = oauthClient();
      expect(fake.requests).toEqual([]);

      await pagerDuty.findService('PSVC1');
      await pagerDuty.getUser('PADA');

      const [tokenRequest, ...calls] = fake.requests;
      expect(tokenRequest).toMatchObject({
        method: 'POST',
        path: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: {
          grant_type: 'client_credentials',
          client_id: 'multivac-app',
          client_secret: 'app-secret',
          scope: `as_account-us.nimbus ${DEFAULT_SCOPES}`,
        },
      });
      expect(calls.map(r => r.headers.authorization)).toEqual([
        expect.stringMatching(/^Bearer pdus\+_/),
        calls[0].headers.authorization,
      ]);
      expect(pagerDuty.stats.upstreamCalls).toBe(3);
    });

    it('asks for the account in its service region', async () => {
      await oauthClient({ region: 'eu', subdomain: 'nimbus-eu' }).findService(
        'PSVC1',
      );

      expect(tokenRequests()[0].body).toMatchObject({
        scope: `as_account-eu.nimbus-eu ${DEFAULT_SCOPES}`,
      });
    });

    it('shares one token request between concurrent calls', async () => {
      const pagerDuty = oauthClient();

      await Promise.all([
        pagerDuty.servicesById(),
        pagerDuty.findService('PSVC1'),
        pagerDuty.usersById(),
      ]);

      expect(tokenRequests()).toHaveLength(1);
    });

    it('renews the token a minute before expires_in runs out', async () => {
      const pagerDuty = oauthClient();
      await pagerDuty.findService('PSVC1');

      now = 3_539_000;
      await pagerDuty.findService('PSVC1');
      expect(tokenRequests()).toHaveLength(1);

      now = 3_540_000;
      await pagerDuty.findService('PSVC1');
      expect(tokenRequests()).toHaveLength(2);
      const [first, , renewed] = fake.requests
        .filter(r => r.path === '/services/PSVC1')
        .map(r => r.headers.authorization);
      expect(renewed).not.toBe(first);
    });

    it('gets a new token once when PagerDuty rejects the current one', async () => {
      const pagerDuty = oauthClient();
      await pagerDuty.findService('PSVC1');
      fake.revokeTokens();

      await expect(pagerDuty.findService('PSVC1')).resolves.toMatchObject({
        id: 'PSVC1',
      });
      expect(tokenRequests()).toHaveLength(2);
      expect(fake.requests.map(r => r.path)).toEqual([
        '/oauth/token',
        '/services/PSVC1',
        '/services/PSVC1',
        '/oauth/token',
        '/services/PSVC1',
      ]);
    });

    it('gives up after a 401 with a fresh token', async () => {
      const otherAccount = await startFakePagerDuty(paymentsAccount());
      try {
        await expect(
          oauthClient({}, otherAccount.url).findService('PSVC1'),
        ).rejects.toMatchObject({
          name: 'AuthenticationError',
          message:
            "PagerDuty GET /services/PSVC1 answered 401: Unauthorized; check the oauth client (clientId, clientSecret, subdomain, scopes) of PagerDuty account 'default'",
        });
        expect(tokenRequests()).toHaveLength(2);
        expect(otherAccount.requests).toHaveLength(2);
      } finally {
        await otherAccount.close();
      }
    });

    it('reports rejected client credentials', async () => {
      await expect(
        oauthClient({ clientSecret: 'wrong' }).findService('PSVC1'),
      ).rejects.toMatchObject({
        name: 'AuthenticationError',
        message:
          "PagerDuty POST oauth/token answered 401: invalid_client: Client authentication failed; check the oauth client (clientId, clientSecret, subdomain, scopes) of PagerDuty account 'default'",
      });
      expect(tokenRequests()).toHaveLength(1);
    });

    it('reports a missing scope', async () => {
      await expect(
        oauthClient({ scopes: 'users.read' }).getUser('PADA'),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'answered 403: Access Denied; The token lacks the scopes users:contact_methods.read',
        ),
      });
      await expect(
        oauthClient({ scopes: 'services.read' }).servicesById(),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'PagerDuty GET /services answered 403: Access Denied; The token lacks the scopes escalation_policies.read',
        ),
      });
    });
  });
});
