import { ResponseError } from '@backstage/errors';
import { MultivacClient } from './MultivacClient';

describe('MultivacClient and PagerDuty reconcile', () => {
  function clientAnswering(status: number, body: unknown) {
    const fetch = jest.fn(
      async (_url: RequestInfo | URL, _init?: RequestInit) =>
        new Response(JSON.stringify(body), {
          status,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const client = new MultivacClient({
      discoveryApi: { getBaseUrl: async () => 'http://backend/api/multivac' },
      fetchApi: { fetch },
    });
    return { client, fetch };
  }

  const state = {
    status: 'succeeded',
    attempts: 1,
    lastError: null,
    lastRunAt: '2026-12-05T03:00:00.000Z',
    nextAttemptAt: null,
    pagerDuty: {
      scheduleId: 'PSCHED1',
      escalationPolicyId: 'PPOL1',
      serviceIds: ['PSVC1'],
    },
  };

  it("reads a Schedule entity's plan and state by namespace and name", async () => {
    const { client, fetch } = clientAnswering(200, state);
    await client.getPagerDutyPlan('schedule:default/payments-primary');
    await expect(
      client.getPagerDutyState('schedule:team a/on call'),
    ).resolves.toEqual(state);
    expect(fetch.mock.calls.map(([url, init]) => [url, init?.method])).toEqual([
      [
        'http://backend/api/multivac/pagerduty/schedules/default/payments-primary/plan',
        'GET',
      ],
      [
        'http://backend/api/multivac/pagerduty/schedules/team%20a/on%20call/state',
        'GET',
      ],
    ]);
  });

  it('starts a reconcile with a POST and answers the state', async () => {
    const { client, fetch } = clientAnswering(202, {
      ...state,
      status: 'pending',
    });
    await expect(
      client.reconcilePagerDuty('schedule:default/payments-primary'),
    ).resolves.toMatchObject({ status: 'pending' });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(
      'http://backend/api/multivac/pagerduty/schedules/default/payments-primary/reconcile',
    );
    expect(init?.method).toBe('POST');
  });

  it('posts the import as JSON', async () => {
    const { client, fetch } = clientAnswering(200, {
      yaml: 'kind: Schedule\n',
      entity: { kind: 'Schedule' },
    });
    const request = {
      scheduleId: 'PSCHED1',
      escalationPolicyId: 'PPOL1',
      owner: 'group:default/payments',
      name: 'payments-primary',
    };
    await expect(client.importPagerDutySchedule(request)).resolves.toEqual({
      yaml: 'kind: Schedule\n',
      entity: { kind: 'Schedule' },
    });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://backend/api/multivac/pagerduty/import');
    expect(init).toMatchObject({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(JSON.parse(String(init?.body))).toEqual(request);
  });

  it("keeps the status and the backend's message when it refuses", async () => {
    const { client } = clientAnswering(404, {
      error: {
        name: 'NotFoundError',
        message: 'schedule:default/payments-primary was never reconciled',
      },
      response: { statusCode: 404 },
    });
    const error = await client
      .getPagerDutyState('schedule:default/payments-primary')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.message).toBe(
      'schedule:default/payments-primary was never reconciled',
    );
  });
});
