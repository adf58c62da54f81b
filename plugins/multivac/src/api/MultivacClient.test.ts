import { MultivacClient } from './MultivacClient';

describe('MultivacClient', () => {
  const discoveryApi = {
    getBaseUrl: async () => 'http://backend/api/multivac',
  };

  function clientReturning(status: number, body: unknown) {
    const fetch = jest.fn(
      async (_url: RequestInfo | URL, _init?: RequestInit) =>
        new Response(JSON.stringify(body), {
          status,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    return {
      client: new MultivacClient({ discoveryApi, fetchApi: { fetch } }),
      fetch,
    };
  }

  it('encodes list filters as repeated query parameters', async () => {
    const { client, fetch } = clientReturning(200, {
      items: [],
      totalCount: 0,
      limit: 20,
      offset: 0,
    });
    await client.listIncidents({
      entityRef: ['component:default/a', 'component:default/b'],
      status: 'active',
      limit: 5,
    });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend/api/multivac/incidents?entityRef=component%3Adefault%2Fa&entityRef=component%3Adefault%2Fb&status=active&limit=5',
    );
  });

  it('sends JSON bodies to the transition route', async () => {
    const { client, fetch } = clientReturning(200, { id: 'x' });
    await client.transitionIncident('INC-3', 'resolved', 'fixed');
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://backend/api/multivac/incidents/INC-3/transitions');
    expect(init).toMatchObject({
      method: 'POST',
      body: '{"to":"resolved","note":"fixed"}',
    });
  });

  it('turns backend error bodies into errors with their message', async () => {
    const { client } = clientReturning(409, {
      error: {
        name: 'ConflictError',
        message: 'INC-3 cannot move from investigating to acknowledged',
      },
      request: { method: 'POST', url: '/x' },
      response: { statusCode: 409 },
    });
    await expect(
      client.transitionIncident('INC-3', 'acknowledged'),
    ).rejects.toThrow(/cannot move from investigating to acknowledged/);
  });

  it('unwraps the severity rubric', async () => {
    const rubric = { global: { one: 'SEV3' } };
    const { client, fetch } = clientReturning(200, { rubric });
    await expect(client.getSeverityRubric()).resolves.toEqual(rubric);
    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend/api/multivac/reports/rubric',
    );
  });

  it('posts triage reports as JSON', async () => {
    const { client, fetch } = clientReturning(201, { id: 'r1' });
    await client.submitReport({
      title: 'Checkout is down',
      entityRef: 'component:default/checkout',
      usersAffected: 'dozens',
      scope: 'global',
      customerFacing: true,
    });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://backend/api/multivac/reports');
    expect(init).toMatchObject({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(JSON.parse(String(init?.body))).toEqual({
      title: 'Checkout is down',
      entityRef: 'component:default/checkout',
      usersAffected: 'dozens',
      scope: 'global',
      customerFacing: true,
    });
  });

  it('lists reports by state and reads one by reference', async () => {
    const { client, fetch } = clientReturning(200, {
      items: [],
      totalCount: 0,
    });
    await client.listReports({ state: 'handled', limit: 20, offset: 40 });
    await client.getReport('RPT-3');
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      'http://backend/api/multivac/reports?state=handled&limit=20&offset=40',
      'http://backend/api/multivac/reports/RPT-3',
    ]);
  });

  it('starts an incident from a report with an empty JSON body', async () => {
    const { client, fetch } = clientReturning(201, { reference: 'INC-9' });
    await expect(client.startIncidentFromReport('RPT-3')).resolves.toEqual({
      reference: 'INC-9',
    });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://backend/api/multivac/reports/RPT-3/incident');
    expect(init).toMatchObject({ method: 'POST', body: '{}' });
  });

  it('surfaces why the server refused a report', async () => {
    const { client } = clientReturning(400, {
      error: {
        name: 'InputError',
        message:
          "severity: SEV4 is lower than the rubric's SEV2; give a reason to lower it (severityReason)",
      },
      response: { statusCode: 400 },
    });
    await expect(
      client.submitReport({
        title: 'x',
        entityRef: 'component:default/checkout',
        usersAffected: 'dozens',
        scope: 'global',
        customerFacing: true,
        severity: 'SEV4',
      }),
    ).rejects.toThrow(/give a reason to lower it/);
  });
});
