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
});
