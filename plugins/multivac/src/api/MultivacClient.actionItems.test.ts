import { MultivacClient } from './MultivacClient';

describe('MultivacClient.listActionItems', () => {
  it("asks for one person's action items with its filters", async () => {
    const fetch = jest.fn(
      async (_url: RequestInfo | URL, _init?: RequestInit) =>
        new Response(JSON.stringify({ items: [], totalCount: 0 }), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const client = new MultivacClient({
      discoveryApi: { getBaseUrl: async () => 'http://backend/api/multivac' },
      fetchApi: { fetch },
    });
    await expect(
      client.listActionItems({ owner: 'me', status: 'open', limit: 5 }),
    ).resolves.toEqual({ items: [], totalCount: 0 });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend/api/multivac/action-items?owner=me&status=open&limit=5',
    );
  });
});
