import { FakePagerDuty, startFakePagerDuty } from './fakePagerDuty';
import { paymentsAccount } from './fixtures';

const REST_HEADERS = {
  Authorization: 'Token token=us-token',
  Accept: 'application/vnd.pagerduty+json;version=2',
};

describe('fake PagerDuty', () => {
  let fake: FakePagerDuty;

  beforeEach(async () => {
    fake = await startFakePagerDuty(
      paymentsAccount({
        oauthClients: [
          { clientId: 'app', clientSecret: 'secret', subdomain: 'nimbus' },
        ],
      }),
    );
  });
  afterEach(() => fake.close());

  const get = async (path: string, headers: Record<string, string>) => {
    const response = await fetch(`${fake.url}${path}`, { headers });
    return { status: response.status, body: await response.json() };
  };
  const enqueue = async (event: unknown, path = '/v2/enqueue') => {
    const response = await fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(event),
    });
    return { status: response.status, body: await response.json() };
  };

  it.each([
    ['no Authorization', { Accept: REST_HEADERS.Accept }],
    ['a bearer token', { ...REST_HEADERS, Authorization: 'Bearer us-token' }],
    ['a wrong token', { ...REST_HEADERS, Authorization: 'Token token=other' }],
  ])('answers 401 to REST requests with %s', async (_, headers) => {
    await expect(get('/services/PSVC1', headers)).resolves.toEqual({
      status: 401,
      body: { error: { message: 'Unauthorized', code: 2006 } },
    });
  });

  it('answers 400 to REST requests without the version 2 Accept header', async () => {
    await expect(
      get('/services/PSVC1', { ...REST_HEADERS, Accept: 'application/json' }),
    ).resolves.toMatchObject({ status: 400, body: { error: { code: 2001 } } });
  });

  it('leaves contact methods out unless included', async () => {
    const { body } = await get('/users/PADA', REST_HEADERS);

    expect(body.user).not.toHaveProperty('contact_methods');
  });

  it('lists with classic pagination: limit, offset, more and total on request', async () => {
    const page = (query: string) =>
      get(`/users?${query}`, REST_HEADERS).then(({ status, body }) => ({
        status,
        ids: body.users?.map((u: { id: string }) => u.id),
        limit: body.limit,
        offset: body.offset,
        more: body.more,
        total: body.total,
      }));

    await expect(page('limit=3')).resolves.toEqual({
      status: 200,
      ids: ['PADA', 'PGRACE', 'PALAN'],
      limit: 3,
      offset: 0,
      more: true,
      total: null,
    });
    await expect(page('limit=3&offset=3&total=true')).resolves.toEqual({
      status: 200,
      ids: ['PLINUS'],
      limit: 3,
      offset: 3,
      more: false,
      total: 4,
    });
    await expect(page('limit=500')).resolves.toMatchObject({
      limit: 100,
      more: false,
    });
    await expect(page('offset=-1')).resolves.toMatchObject({ status: 400 });
    await expect(page('offset=9990&limit=25')).resolves.toMatchObject({
      status: 400,
    });
  });

  it('refuses to page past 10,000 records as PagerDuty does', async () => {
    await expect(
      get('/oncalls?offset=9950&limit=100', REST_HEADERS),
    ).resolves.toEqual({
      status: 400,
      body: {
        error: {
          message: 'Arguments Caused Error',
          code: 2002,
          errors: [
            'Offset+limit exceeds maximum allowed value of 10000. Please try to refine your search to reduce the returned set of records below this number, like adding a date range.',
          ],
        },
      },
    });
  });

  it('inlines escalation policies in services only when included', async () => {
    const listed = await get(
      '/services?include[]=escalation_policies',
      REST_HEADERS,
    );
    expect(listed.body.services[0].escalation_policy).toMatchObject({
      type: 'escalation_policy',
      escalation_rules: expect.any(Array),
    });

    const { body } = await get('/services/PSVC1', REST_HEADERS);
    expect(body.service.escalation_policy).toEqual({
      id: 'PEP1',
      type: 'escalation_policy_reference',
      summary: 'Payments escalation',
    });
  });

  it('answers 400 to query parameters and includes it does not implement', async () => {
    await expect(
      get('/services?query=pay&include[]=teams', REST_HEADERS),
    ).resolves.toEqual({
      status: 400,
      body: {
        error: {
          message: 'Invalid Input Provided',
          code: 2001,
          errors: [
            'query is not supported here',
            'include[]=teams is not supported here',
          ],
        },
      },
    });
    await expect(
      get('/oncalls?earliest=true', REST_HEADERS),
    ).resolves.toMatchObject({ status: 400 });
    await expect(
      get('/escalation_policies/PEP1', REST_HEADERS),
    ).resolves.toMatchObject({ status: 404 });
  });

  it('rejects events without routing key, action or trigger payload', async () => {
    await expect(enqueue({ event_action: 'trigger' })).resolves.toEqual({
      status: 400,
      body: {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: [
          "'routing_key' is missing or blank",
          "'payload.summary' is missing or blank",
          "'payload.source' is missing or blank",
          "'payload.severity' is invalid",
        ],
      },
    });
    await expect(
      enqueue({ routing_key: 'key', event_action: 'page' }),
    ).resolves.toMatchObject({ status: 400 });
    await expect(
      enqueue({ routing_key: 'key', event_action: 'resolve' }),
    ).resolves.toMatchObject({ status: 400 });
    expect(fake.events()).toEqual([]);
    expect(fake.requests).toHaveLength(3);
  });

  it('accepts change events as the Events API v2 description has them, with 202', async () => {
    // The description's own example, timestamp offset without a colon.
    const example = {
      routing_key: '737ea619db564d41bd9824063e1f6b08',
      payload: {
        summary:
          'Build Success: Increase snapshot create timeout to 30 seconds',
        timestamp: '2015-07-17T08:42:58.315+0000',
        source: 'prod-build-agent-i-0b148d1040d565540',
        custom_details: { build_state: 'passed', build_number: '220' },
      },
      links: [
        {
          href: 'https://buildpipeline.com/pagerduty/deployment/builds/220',
          text: 'View in Build Pipeline',
        },
      ],
    };
    await expect(enqueue(example, '/v2/change/enqueue')).resolves.toEqual({
      status: 202,
      body: { status: 'success', message: 'Change event processed' },
    });
    expect(fake.changeEvents()).toEqual([example]);
    expect(fake.events()).toEqual([]);
  });

  it('rejects change events without routing key or summary, with a bad timestamp or alert fields', async () => {
    const change = (event: unknown) => enqueue(event, '/v2/change/enqueue');
    await expect(
      change({ payload: { summary: ' ', timestamp: 'yesterday' } }),
    ).resolves.toEqual({
      status: 400,
      body: {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: [
          "'routing_key' is missing or blank",
          "'payload.summary' is missing or blank",
          "'payload.timestamp' must be an ISO 8601 date-time",
        ],
      },
    });
    await expect(change({ routing_key: 'key' })).resolves.toEqual({
      status: 400,
      body: expect.objectContaining({ errors: ["'payload' is missing"] }),
    });
    await expect(
      change({
        routing_key: 'key',
        event_action: 'trigger',
        payload: { summary: 'Deploy', severity: 'info' },
        links: [{ href: 'not a url' }],
      }),
    ).resolves.toEqual({
      status: 400,
      body: expect.objectContaining({
        errors: [
          "'event_action' is not a change event field",
          "'payload.severity' is not a change event field",
          "'links' must be a list of { href, text } with URLs",
        ],
      }),
    });
    expect(fake.changeEvents()).toEqual([]);
  });

  it('answers 429 with Retry-After for the next requests only', async () => {
    fake.rateLimitNext(1, 7);

    const limited = await fetch(`${fake.url}/services/PSVC1`, {
      headers: REST_HEADERS,
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    await expect(get('/services/PSVC1', REST_HEADERS)).resolves.toMatchObject({
      status: 200,
    });
  });

  const token = async (fields: Record<string, string>) => {
    const response = await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, body: await response.json() };
  };
  const clientCredentials = {
    grant_type: 'client_credentials',
    client_id: 'app',
    client_secret: 'secret',
    scope: 'as_account-us.nimbus services.read',
  };

  it('issues bearer tokens to known clients for their account', async () => {
    const { status, body } = await token(clientCredentials);

    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^pdus\+_/),
      token_type: 'bearer',
      expires_in: 3600,
      scope: 'as_account-us.nimbus services.read',
    });
    const bearer = {
      ...REST_HEADERS,
      Authorization: `Bearer ${body.access_token}`,
    };
    await expect(get('/services/PSVC1', bearer)).resolves.toMatchObject({
      status: 200,
    });
    await expect(get('/oncalls', bearer)).resolves.toMatchObject({
      status: 403,
      body: { error: { code: 2010 } },
    });
    await expect(
      get('/services?include[]=escalation_policies', bearer),
    ).resolves.toMatchObject({
      status: 403,
      body: {
        error: {
          errors: ['The token lacks the scopes escalation_policies.read'],
        },
      },
    });
  });

  it.each([
    [{ grant_type: 'password' }, 400, 'unsupported_grant_type'],
    [{ client_secret: 'wrong' }, 401, 'invalid_client'],
    [{ scope: 'services.read' }, 400, 'invalid_scope'],
    [{ scope: 'as_account-eu.nimbus services.read' }, 400, 'invalid_scope'],
  ])(
    'rejects token requests with %o',
    async (change, expectedStatus, error) => {
      await expect(
        token({ ...clientCredentials, ...change }),
      ).resolves.toMatchObject({ status: expectedStatus, body: { error } });
    },
  );

  it('rejects token requests that are not forms', async () => {
    const response = await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(clientCredentials),
    });

    expect(response.status).toBe(400);
  });

  describe('incidents', () => {
    const write = async (
      method: string,
      path: string,
      body: unknown,
      from?: string,
    ) => {
      const response = await fetch(`${fake.url}${path}`, {
        method,
        headers: {
          ...REST_HEADERS,
          'Content-Type': 'application/json',
          ...(from && { From: from }),
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };
    const valid = {
      incident: {
        type: 'incident',
        title: 'Card payments failing',
        service: { id: 'PSVC1', type: 'service_reference' },
      },
    };

    it('needs the From header of a known user to create or update', async () => {
      await expect(write('POST', '/incidents', valid)).resolves.toMatchObject({
        status: 400,
        body: {
          error: {
            errors: ['A valid From header (the email of a user) is required'],
          },
        },
      });
      await expect(
        write('PUT', '/incidents/PINC1', valid, 'eve@evil.example'),
      ).resolves.toMatchObject({
        status: 400,
        body: { error: { errors: ['Requester User Not Found'] } },
      });
      expect(fake.incidents()).toEqual([]);
    });

    it('checks the body of a new incident against the API description', async () => {
      const { status, body } = await write(
        'POST',
        '/incidents',
        {
          incident: {
            type: 'incident_reference',
            title: '',
            service: { id: 'PNOPE', type: 'service_reference' },
            urgency: 'critical',
            body: { details: 'no type' },
            escalation_policy: { id: 'PEP1' },
          },
        },
        'ada@nimbus.example',
      );

      expect(status).toBe(400);
      expect(body.error.errors).toEqual([
        "'type' must be incident",
        "'title' is missing or blank",
        "'service' must be a service_reference to an existing service",
        "'urgency' must be high or low",
        "'body' must be an incident_body with details",
        "'escalation_policy' must be an escalation_policy_reference to an existing policy",
      ]);
    });

    it('creates, lists and updates incidents', async () => {
      const created = await write(
        'POST',
        '/incidents',
        valid,
        'ada@nimbus.example',
      );
      expect(created).toMatchObject({
        status: 201,
        body: { incident: { id: 'PINC1', status: 'triggered' } },
      });

      await expect(
        write(
          'PUT',
          '/incidents/PINC1',
          { incident: { type: 'incident_reference', status: 'closed' } },
          'ada@nimbus.example',
        ),
      ).resolves.toMatchObject({ status: 400 });
      await expect(
        write(
          'PUT',
          '/incidents/PINC1',
          { incident: { type: 'incident_reference', status: 'resolved' } },
          'ada@nimbus.example',
        ),
      ).resolves.toMatchObject({
        status: 200,
        body: { incident: { id: 'PINC1', status: 'resolved' } },
      });
      await expect(
        get('/incidents?statuses[]=resolved', REST_HEADERS),
      ).resolves.toMatchObject({
        status: 200,
        body: { incidents: [{ id: 'PINC1' }], more: false },
      });
      await expect(
        get('/incidents?sort_by=title', REST_HEADERS),
      ).resolves.toMatchObject({ status: 400 });
    });
  });
});
