import { ReleaseBlockedError } from './MultivacApi';
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
    await client.listIncidents({ q: 'card & 50% off', status: 'all' });
    expect(fetch.mock.calls[1][0]).toBe(
      'http://backend/api/multivac/incidents?q=card+%26+50%25+off&status=all',
    );
  });

  it('asks for the digest of a team and a number of hours', async () => {
    const { client, fetch } = clientReturning(200, { hours: 12 });
    await client.getDigest({ team: 'group:default/payments', hours: 12 });
    await client.getDigest();
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      'http://backend/api/multivac/insights/digest?team=group%3Adefault%2Fpayments&hours=12',
      'http://backend/api/multivac/insights/digest?',
    ]);
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
    await client.listReports({ mine: 'true' });
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      'http://backend/api/multivac/reports?state=handled&limit=20&offset=40',
      'http://backend/api/multivac/reports/RPT-3',
      'http://backend/api/multivac/reports?mine=true',
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

  describe('post-mortems', () => {
    function clientAnswering(response: () => Response) {
      const fetch = jest.fn(
        async (_url: RequestInfo | URL, _init?: RequestInit) => response(),
      );
      return {
        client: new MultivacClient({ discoveryApi, fetchApi: { fetch } }),
        fetch,
      };
    }

    it('creates the post-mortem of an incident with a POST', async () => {
      const { client, fetch } = clientReturning(201, { reference: 'PM-7' });
      await expect(client.createPostmortem('INC-7')).resolves.toEqual({
        reference: 'PM-7',
      });
      const [url, init] = fetch.mock.calls[0];
      expect(url).toBe(
        'http://backend/api/multivac/incidents/INC-7/postmortem',
      );
      expect(init).toMatchObject({ method: 'POST', body: '{}' });
    });

    it('says why a post-mortem cannot be written yet', async () => {
      const { client } = clientReturning(409, {
        error: {
          name: 'ConflictError',
          message:
            'INC-7 is monitoring: its post-mortem can be written once it is resolved',
        },
        response: { statusCode: 409 },
      });
      await expect(client.createPostmortem('INC-7')).rejects.toThrow(
        /can be written once it is resolved/,
      );
    });

    it("finds an incident's post-mortem, and none on 204", async () => {
      const found = clientReturning(200, { reference: 'PM-7' });
      await expect(
        found.client.findIncidentPostmortem('INC-7'),
      ).resolves.toEqual({ reference: 'PM-7' });
      expect(found.fetch.mock.calls[0][0]).toBe(
        'http://backend/api/multivac/incidents/INC-7/postmortem',
      );

      const none = new MultivacClient({
        discoveryApi,
        fetchApi: { fetch: async () => new Response(null, { status: 204 }) },
      });
      await expect(
        none.findIncidentPostmortem('INC-7'),
      ).resolves.toBeUndefined();
    });

    it('says so when the incident itself is unknown', async () => {
      const { client } = clientReturning(404, {
        error: { name: 'NotFoundError', message: 'No incident INC-99' },
        response: { statusCode: 404 },
      });
      await expect(client.findIncidentPostmortem('INC-99')).rejects.toThrow(
        'No incident INC-99',
      );
    });

    it('does not hide other failures as "no post-mortem"', async () => {
      const { client } = clientReturning(403, {
        error: { name: 'NotAllowedError', message: 'Unauthorized' },
        response: { statusCode: 403 },
      });
      await expect(client.findIncidentPostmortem('INC-7')).rejects.toThrow(
        'Unauthorized',
      );
    });

    it('lists with every filter as query parameters and reads one', async () => {
      const { client, fetch } = clientReturning(200, {
        items: [],
        totalCount: 0,
      });
      await client.listPostmortems({
        q: 'ledger timeout',
        entityRef: 'group:default/payments',
        severity: ['SEV1', 'SEV2'],
        status: 'draft',
        overdue: 'true',
        limit: 20,
        offset: 40,
      });
      await client.getPostmortem('PM-7');
      expect(fetch.mock.calls.map(([url]) => url)).toEqual([
        'http://backend/api/multivac/postmortems?q=ledger+timeout&entityRef=group%3Adefault%2Fpayments&severity=SEV1&severity=SEV2&status=draft&overdue=true&limit=20&offset=40',
        'http://backend/api/multivac/postmortems/PM-7',
      ]);
    });

    it('patches sections and moves the status', async () => {
      const { client, fetch } = clientReturning(200, { id: 'pm-1' });
      await client.updatePostmortem('pm-1', {
        sections: { summary: 'Ledger timed out' },
      });
      await client.setPostmortemStatus('pm-1', 'in_review');
      expect(
        fetch.mock.calls.map(([url, init]) => [url, init?.method, init?.body]),
      ).toEqual([
        [
          'http://backend/api/multivac/postmortems/pm-1',
          'PATCH',
          '{"sections":{"summary":"Ledger timed out"}}',
        ],
        [
          'http://backend/api/multivac/postmortems/pm-1/status',
          'POST',
          '{"status":"in_review"}',
        ],
      ]);
    });

    it('approves and reopens a post-mortem', async () => {
      const { client, fetch } = clientReturning(200, { id: 'pm-1' });
      await client.approvePostmortem('PM-1');
      await client.reopenPostmortem('PM-1', 'Wrong trigger');
      expect(
        fetch.mock.calls.map(([url, init]) => [url, init?.method, init?.body]),
      ).toEqual([
        [
          'http://backend/api/multivac/postmortems/PM-1/approve',
          'POST',
          undefined,
        ],
        [
          'http://backend/api/multivac/postmortems/PM-1/reopen',
          'POST',
          '{"reason":"Wrong trigger"}',
        ],
      ]);
    });

    it('adds and changes action items', async () => {
      const { client, fetch } = clientReturning(200, { id: 'item-1' });
      await client.addActionItem('pm-1', {
        title: 'Alert on ledger p99',
        ownerRef: 'user:default/grace.hopper',
        dueDate: '2026-12-01',
      });
      await client.updateActionItem('pm-1', 'item-1', {
        status: 'done',
        dueDate: null,
      });
      expect(
        fetch.mock.calls.map(([url, init]) => [url, init?.method, init?.body]),
      ).toEqual([
        [
          'http://backend/api/multivac/postmortems/pm-1/action-items',
          'POST',
          '{"title":"Alert on ledger p99","ownerRef":"user:default/grace.hopper","dueDate":"2026-12-01"}',
        ],
        [
          'http://backend/api/multivac/postmortems/pm-1/action-items/item-1',
          'PATCH',
          '{"status":"done","dueDate":null}',
        ],
      ]);
    });

    it('deletes an action item, accepting an empty 204', async () => {
      const { client, fetch } = clientAnswering(
        () => new Response(null, { status: 204 }),
      );
      await expect(
        client.deleteActionItem('pm-1', 'item-1'),
      ).resolves.toBeUndefined();
      const [url, init] = fetch.mock.calls[0];
      expect(url).toBe(
        'http://backend/api/multivac/postmortems/pm-1/action-items/item-1',
      );
      expect(init).toMatchObject({ method: 'DELETE' });
    });

    it('exports Markdown with the file name the server gives', async () => {
      const { client, fetch } = clientAnswering(
        () =>
          new Response('# PM-7: Post-mortem\n', {
            status: 200,
            headers: {
              'Content-Type': 'text/markdown; charset=utf-8',
              'Content-Disposition': 'attachment; filename="PM-7.md"',
            },
          }),
      );
      await expect(client.exportPostmortemMarkdown('pm-1')).resolves.toEqual({
        filename: 'PM-7.md',
        text: '# PM-7: Post-mortem\n',
      });
      expect(fetch.mock.calls[0][0]).toBe(
        'http://backend/api/multivac/postmortems/pm-1/markdown',
      );
    });
  });

  describe('releases', () => {
    const conflict = {
      kind: 'dependency',
      sentence:
        'payments-api depends on ledger-service, which releases 14:00–14:30, overlapping by 20 minutes',
      entityRef: 'component:default/ledger-service',
      releaseReference: 'REL-1',
      overlapMinutes: 20,
      blocking: true,
    };
    const booking = {
      entityRef: 'component:default/payments-api',
      title: 'v2.4.1',
      environment: 'production',
      start: '2026-11-24T14:10:00.000Z',
      end: '2026-11-24T15:00:00.000Z',
    };

    it('lists a calendar range with repeated filters', async () => {
      const { client, fetch } = clientReturning(200, {
        items: [],
        totalCount: 0,
        limit: 500,
        offset: 0,
      });
      await client.listReleases({
        entityRef: 'group:default/payments',
        environment: 'production',
        status: ['planned', 'in_progress'],
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        limit: 500,
      });
      expect(fetch.mock.calls[0][0]).toBe(
        'http://backend/api/multivac/releases?entityRef=group%3Adefault%2Fpayments&environment=production&status=planned&status=in_progress&from=2026-11-01T00%3A00%3A00.000Z&to=2026-12-01T00%3A00%3A00.000Z&limit=500',
      );
    });

    it('keeps the conflicts of a blocked booking', async () => {
      const { client } = clientReturning(409, {
        error: {
          name: 'ReleaseBlockedError',
          message: 'The release conflicts with 1 other; force it with a reason',
        },
        request: { method: 'POST', url: '/releases' },
        response: { statusCode: 409 },
        conflicts: [conflict],
      });
      const error = await client.createRelease(booking).catch(e => e);
      expect(error).toBeInstanceOf(ReleaseBlockedError);
      expect(error.message).toBe(
        'The release conflicts with 1 other; force it with a reason',
      );
      expect(error.conflicts).toEqual([conflict]);
      const moved = await client
        .updateRelease('REL-2', { start: booking.start })
        .catch(e => e);
      expect(moved.conflicts).toEqual([conflict]);
    });

    it('leaves other refusals as they are', async () => {
      const { client } = clientReturning(400, {
        error: { name: 'InputError', message: 'end: must be after start' },
        request: { method: 'POST', url: '/releases' },
        response: { statusCode: 400 },
      });
      const error = await client.createRelease(booking).catch(e => e);
      expect(error).not.toBeInstanceOf(ReleaseBlockedError);
      expect(error.message).toBe('end: must be after start');
    });

    it('posts bookings, checks, status changes and feed tokens', async () => {
      const { client, fetch } = clientReturning(200, {});
      await client.createRelease({
        ...booking,
        force: { reason: 'compatible' },
      });
      await client.checkRelease(booking);
      await client.setReleaseStatus('REL-2', 'done');
      await client.updateRelease('REL-2', { notes: 'x' });
      await client.createReleaseFeedToken();
      expect(
        fetch.mock.calls.map(([url, init]) => [url, init?.method, init?.body]),
      ).toEqual([
        [
          'http://backend/api/multivac/releases',
          'POST',
          JSON.stringify({ ...booking, force: { reason: 'compatible' } }),
        ],
        [
          'http://backend/api/multivac/releases/check',
          'POST',
          JSON.stringify(booking),
        ],
        [
          'http://backend/api/multivac/releases/REL-2/status',
          'POST',
          '{"to":"done"}',
        ],
        [
          'http://backend/api/multivac/releases/REL-2',
          'PATCH',
          '{"notes":"x"}',
        ],
        ['http://backend/api/multivac/releases/feed-token', 'POST', '{}'],
      ]);
    });

    it('unwraps environments and the releases around entities', async () => {
      const { client, fetch } = clientReturning(200, {
        items: [{ id: 'production', policy: 'block' }],
      });
      await expect(client.listReleaseEnvironments()).resolves.toEqual([
        { id: 'production', policy: 'block' },
      ]);
      await client.listReleasesAround({
        entityRef: 'component:default/payments-api',
        from: '2026-11-24T00:00:00.000Z',
        to: '2026-12-24T00:00:00.000Z',
        status: 'active',
      });
      expect(fetch.mock.calls.map(([url]) => url)).toEqual([
        'http://backend/api/multivac/releases/environments',
        'http://backend/api/multivac/releases/around?entityRef=component%3Adefault%2Fpayments-api&from=2026-11-24T00%3A00%3A00.000Z&to=2026-12-24T00%3A00%3A00.000Z&status=active',
      ]);
    });
  });

  describe('alerts', () => {
    it('lists alerts with their filters and reads one group', async () => {
      const { client, fetch } = clientReturning(200, {
        items: [],
        totalCount: 0,
      });
      await client.listAlerts({
        status: 'firing',
        urgency: 'high',
        entityRef: 'group:default/payments',
        integration: 'prom',
        limit: 1,
      });
      await client.getAlertGroup('group/1');
      expect(fetch.mock.calls.map(([url]) => url)).toEqual([
        'http://backend/api/multivac/alerts?status=firing&urgency=high&entityRef=group%3Adefault%2Fpayments&integration=prom&limit=1',
        'http://backend/api/multivac/alerts/groups/group%2F1',
      ]);
    });

    it('acts on a group and says why the server refused', async () => {
      const { client, fetch } = clientReturning(200, { id: 'x' });
      await client.startIncidentFromAlertGroup('g1');
      await client.acknowledgeAlertGroup('g1');
      expect(
        fetch.mock.calls.map(([url, init]) => [url, init?.method, init?.body]),
      ).toEqual([
        ['http://backend/api/multivac/alerts/groups/g1/incident', 'POST', '{}'],
        [
          'http://backend/api/multivac/alerts/groups/g1/acknowledge',
          'POST',
          '{}',
        ],
      ]);
      const refusing = clientReturning(409, {
        error: {
          name: 'ConflictError',
          message: 'Alert group g1 already has incident i1',
        },
        request: { method: 'POST', url: '/x' },
        response: { statusCode: 409 },
      }).client;
      await expect(refusing.startIncidentFromAlertGroup('g1')).rejects.toThrow(
        'Alert group g1 already has incident i1',
      );
    });

    it('unwraps integrations, previews and dead letters', async () => {
      const { client, fetch } = clientReturning(200, {
        items: [{ id: 'demo' }],
      });
      await expect(client.listAlertIntegrations()).resolves.toEqual([
        { id: 'demo' },
      ]);
      await expect(
        client.previewAlertRouting('demo', { payload: { summary: 'x' } }),
      ).resolves.toEqual([{ id: 'demo' }]);
      await client.previewAlertRouting('demo', { last: 10 });
      await expect(client.listAlertDeadLetters()).resolves.toEqual([
        { id: 'demo' },
      ]);
      expect(
        fetch.mock.calls.map(([url, init]) => [url, init?.method, init?.body]),
      ).toEqual([
        ['http://backend/api/multivac/alerts/integrations', 'GET', undefined],
        [
          'http://backend/api/multivac/alerts/integrations/demo/preview',
          'POST',
          '{"payload":{"summary":"x"}}',
        ],
        [
          'http://backend/api/multivac/alerts/integrations/demo/preview',
          'POST',
          '{"last":10}',
        ],
        ['http://backend/api/multivac/alerts/dead-letters', 'GET', undefined],
      ]);
    });

    it('creates, rotates and deletes integrations', async () => {
      const { client, fetch } = clientReturning(201, {
        integration: { id: 'prom' },
        secret: 's3cret',
      });
      await expect(
        client.createAlertIntegration({
          id: 'prom',
          name: 'Prometheus',
          vendor: 'alertmanager',
        }),
      ).resolves.toEqual({ integration: { id: 'prom' }, secret: 's3cret' });
      await client.rotateAlertIntegrationSecret('prom', { graceMinutes: 30 });
      await client.rotateAlertIntegrationSecret('prom');
      expect(
        fetch.mock.calls.map(([url, init]) => [url, init?.method, init?.body]),
      ).toEqual([
        [
          'http://backend/api/multivac/alerts/integrations',
          'POST',
          '{"id":"prom","name":"Prometheus","vendor":"alertmanager"}',
        ],
        [
          'http://backend/api/multivac/alerts/integrations/prom/rotate-secret',
          'POST',
          '{"graceMinutes":30}',
        ],
        [
          'http://backend/api/multivac/alerts/integrations/prom/rotate-secret',
          'POST',
          '{}',
        ],
      ]);

      const fetchDelete = jest.fn(
        async (_url: RequestInfo | URL, _init?: RequestInit) =>
          new Response(null, { status: 204 }),
      );
      await new MultivacClient({
        discoveryApi,
        fetchApi: { fetch: fetchDelete },
      }).deleteAlertIntegration('prom');
      expect(fetchDelete.mock.calls[0][0]).toBe(
        'http://backend/api/multivac/alerts/integrations/prom',
      );
      expect(fetchDelete.mock.calls[0][1]?.method).toBe('DELETE');

      const refusing = clientReturning(409, {
        error: {
          name: 'ConflictError',
          message: 'Integration demo is managed in app-config.yaml',
        },
        request: { method: 'DELETE', url: '/x' },
        response: { statusCode: 409 },
      }).client;
      await expect(refusing.deleteAlertIntegration('demo')).rejects.toThrow(
        'Integration demo is managed in app-config.yaml',
      );
    });
  });
});
