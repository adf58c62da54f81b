import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { pageAcknowledgePermission } from '@multivac/plugin-multivac-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { asAda, startBackend } from '../__testUtils__/testBackend';
import alertmanagerFixture from './__fixtures__/alertmanager.json';
import datadogFixture from './__fixtures__/datadog.json';
import genericFixture from './__fixtures__/generic.json';
import grafanaFixture from './__fixtures__/grafana.json';
import sumoLogicFixture from './__fixtures__/sumologic.json';
import { grafanaSignature } from './verifySender';
import { eventually } from '../__testUtils__/waitFor';

jest.setTimeout(60_000);

const SECRET = 'test-secret-0123456789';
const ROTATED = 'test-secret-new-abcdefgh';

const alertsConfig = {
  jobs: { pollIntervalSeconds: 0.1, initialBackoffSeconds: 0.1 },
  alerts: {
    integrations: [
      {
        id: 'prom',
        name: 'Prometheus',
        vendor: 'alertmanager',
        secrets: [SECRET, ROTATED],
      },
      {
        id: 'grafana',
        name: 'Grafana',
        vendor: 'grafana',
        secrets: [SECRET],
        // `team: blue` is no catalog Group: the rule routes it.
        rules: [
          { match: { zone: 'nowhere' }, entityRef: 'orphan' },
          { match: { alertname: '/High .* usage/' }, entityRef: 'cart' },
        ],
      },
      {
        id: 'generic',
        name: 'Cron jobs',
        vendor: 'generic',
        secrets: [SECRET],
        defaultEntityRef: 'payments-api',
      },
      { id: 'dd', name: 'Datadog', vendor: 'datadog', secrets: [SECRET] },
      {
        id: 'sumo',
        name: 'Sumo Logic',
        vendor: 'sumologic',
        secrets: [SECRET],
      },
    ],
  },
};

const start = () => startBackend(undefined, alertsConfig);
type Server = Awaited<ReturnType<typeof start>>['server'];

const bearer = { Authorization: `Bearer ${SECRET}` };

const listAlerts = async (server: Server, query = '') =>
  (await request(server).get(`/api/multivac/alerts?${query}`).set(asAda)).body;

const pagesOf = async (server: Server, entityRef: string) =>
  (
    await request(server)
      .get(`/api/multivac/pages?entityRef=${entityRef}`)
      .set(asAda)
  ).body.items as Array<{ id: string; summary: string; urgency: string }>;

const group = async (server: Server, id: string) =>
  (await request(server).get(`/api/multivac/alerts/groups/${id}`).set(asAda))
    .body;

/** A Grafana delivery signed like Grafana signs it (HMAC of `<timestamp>:<body>`). */
/** Delivers the Alertmanager sample and waits for its group to page. */
async function pagingGroup(server: Server) {
  await request(server)
    .post('/api/multivac/alerts/integrations/prom')
    .set(bearer)
    .send(alertmanagerFixture)
    .expect(202);
  const listed = await eventually(
    () => listAlerts(server, 'integration=prom'),
    b => b.items?.[0]?.groupId !== undefined,
  );
  const groupId: string = listed.items[0].groupId;
  const paged = await eventually(
    () => group(server, groupId),
    g => Boolean(g.pageId),
  );
  return { groupId, paged };
}

function signedGrafana(
  server: Server,
  options: { secret: string; timestamp: number; signed: string; sent?: string },
) {
  return request(server)
    .post('/api/multivac/alerts/integrations/grafana')
    .set('Content-Type', 'application/json')
    .set(
      'X-Grafana-Alerting-Signature',
      grafanaSignature(options.secret, options.timestamp, options.signed),
    )
    .set('X-Grafana-Alerting-Timestamp', String(options.timestamp))
    .send(options.sent ?? options.signed);
}

function resolvedCopy<T extends { status: string; alerts: any[] }>(body: T): T {
  return {
    ...body,
    status: 'resolved',
    alerts: body.alerts.map(a => ({
      ...a,
      status: 'resolved',
      endsAt: '2026-11-26T09:40:00Z',
    })),
  };
}

describe('/api/multivac/alerts', () => {
  it('Alertmanager (v4 webhook, bearer or basic auth): stored, routed by its service label, paged once, resolved on recovery', async () => {
    const { server } = await start();
    const sent = await request(server)
      .post('/api/multivac/alerts/integrations/prom')
      .set(bearer)
      .send(alertmanagerFixture);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ alerts: 1 });

    const paged = await eventually(
      () => listAlerts(server, 'integration=prom'),
      b => b.items?.[0]?.groupId !== undefined,
    );
    expect(paged).toMatchObject({
      totalCount: 1,
      items: [
        {
          status: 'firing',
          entityRef: 'component:default/payments-api',
          routedBy: 'label:service',
          severity: 'critical',
          urgency: 'high',
          summary: 'payments-api answers 12% of requests with 5xx',
          dedupKey: '1a30ba71cca2921f:2026-11-26T09:12:45.828Z',
        },
      ],
    });
    const groupId = paged.items[0].groupId;
    const withPage = await eventually(
      () => group(server, groupId),
      g => Boolean(g.pageId),
    );
    const pages = await pagesOf(server, 'component:default/payments-api');
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({
      id: withPage.pageId,
      urgency: 'high',
      summary: 'payments-api: payments-api answers 12% of requests with 5xx',
    });

    // Recovery, by the rotated secret as basic auth (http_config basic_auth).
    const basic = Buffer.from(`alertmanager:${ROTATED}`).toString('base64');
    const recovered = await request(server)
      .post('/api/multivac/alerts/integrations/prom')
      .set('Authorization', `Basic ${basic}`)
      .send(resolvedCopy(alertmanagerFixture));
    expect(recovered.status).toBe(202);
    const resolved = await eventually(
      () => group(server, groupId),
      g => g.status === 'resolved',
    );
    expect(resolved).toMatchObject({
      status: 'resolved',
      alertCount: 1,
      firingCount: 0,
      alerts: [{ status: 'resolved', deliveries: 2 }],
    });
    expect(
      await pagesOf(server, 'component:default/payments-api'),
    ).toHaveLength(1);
    // All its alerts resolved: nobody needs paging any more.
    const pagesAfter = await eventually(
      () => pagesOf(server, 'component:default/payments-api'),
      p => (p[0] as any)?.status === 'resolved',
    );
    expect(pagesAfter).toMatchObject([
      { id: withPage.pageId, status: 'resolved' },
    ]);
  });

  it('Grafana (documented example, HMAC signature with timestamp): both alerts routed by rule into one group, one page, resolved on recovery', async () => {
    const { server } = await start();
    const body = JSON.stringify(grafanaFixture);
    const timestamp = Math.floor(Date.now() / 1000);
    const sent = await signedGrafana(server, {
      secret: SECRET,
      timestamp,
      signed: body,
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ alerts: 2 });

    const listed = await eventually(
      () => listAlerts(server, 'integration=grafana'),
      b => b.totalCount === 2 && b.items.every((a: any) => a.groupId),
    );
    expect(listed.items.map((a: any) => [a.entityRef, a.routedBy])).toEqual([
      ['component:default/cart', 'rule:2'],
      ['component:default/cart', 'rule:2'],
    ]);
    // No severity label: the integration's default makes it low urgency.
    expect(listed.items[0].urgency).toBe('low');
    // A team sees its services' alerts; filters by urgency.
    const team = await listAlerts(
      server,
      'entityRef=group:default/storefront&urgency=low',
    );
    expect(team.totalCount).toBe(2);
    expect(
      (
        await listAlerts(
          server,
          'entityRef=group:default/storefront&urgency=high',
        )
      ).totalCount,
    ).toBe(0);
    const [groupId] = new Set<string>(listed.items.map((a: any) => a.groupId));
    expect(listed.items[1].groupId).toBe(groupId);
    expect(listed.items.flatMap((a: any) => a.links)).toContain(
      'https://play.grafana.org/alerting/1afz29v7z/edit',
    );

    // Bearer works too (the contact point's Authorization header).
    const recovered = await request(server)
      .post('/api/multivac/alerts/integrations/grafana')
      .set(bearer)
      .send(resolvedCopy(grafanaFixture));
    expect(recovered.status).toBe(202);
    const resolved = await eventually(
      () => group(server, groupId),
      g => g.status === 'resolved',
    );
    expect(resolved).toMatchObject({ alertCount: 2, firingCount: 0 });
    // Low urgency: recorded, nobody paged.
    expect(resolved.pageId).toBeUndefined();
    expect(await pagesOf(server, 'component:default/cart')).toHaveLength(0);
  });

  it('Grafana with a critical severity label pages once', async () => {
    const { server } = await start();
    const critical = {
      ...grafanaFixture,
      alerts: grafanaFixture.alerts.map(a => ({
        ...a,
        labels: { ...a.labels, severity: 'critical' },
      })),
    };
    await request(server)
      .post('/api/multivac/alerts/integrations/grafana')
      .set(bearer)
      .send(critical)
      .expect(202);
    const listed = await eventually(
      () => listAlerts(server, 'integration=grafana'),
      b => b.totalCount === 2 && b.items.every((a: any) => a.groupId),
    );
    const paged = await eventually(
      () => group(server, listed.items[0].groupId),
      g => Boolean(g.pageId),
    );
    expect(paged.urgency).toBe('high');
    const pages = await pagesOf(server, 'component:default/cart');
    expect(pages).toHaveLength(1);
    // The page may leave before the second alert of the delivery is grouped.
    expect(pages[0].summary).toMatch(
      /^cart: This alert was triggered for zone (us|eu)-1( \(\+1 more\))?$/,
    );
  });

  it('generic JSON: routed by its entityRef, 10 duplicate deliveries make 1 alert and 1 page, resolved on recovery', async () => {
    const { server } = await start();
    for (let i = 0; i < 10; i++) {
      await request(server)
        .post('/api/multivac/alerts/integrations/generic')
        .set(bearer)
        .send(genericFixture)
        .expect(202);
    }
    const listed = await eventually(
      () => listAlerts(server, 'integration=generic'),
      b => b.items?.[0]?.deliveries === 10,
    );
    expect(listed).toMatchObject({
      totalCount: 1,
      items: [
        {
          entityRef: 'component:default/ledger',
          routedBy: 'entityRef',
          dedupKey: 'ledger-reconciliation-lag',
          labels: { source: 'ledger-cron' },
          links: ['https://grafana.example.com/d/ledger'],
          deliveries: 10,
        },
      ],
    });
    const groupId = listed.items[0].groupId;
    await eventually(
      () => group(server, groupId),
      g => Boolean(g.pageId),
    );
    expect(await pagesOf(server, 'component:default/ledger')).toHaveLength(1);

    await request(server)
      .post('/api/multivac/alerts/integrations/generic')
      .set(bearer)
      .send({ ...genericFixture, status: 'resolved' })
      .expect(202);
    const resolved = await eventually(
      () => group(server, groupId),
      g => g.status === 'resolved',
    );
    expect(resolved.alerts).toMatchObject([{ status: 'resolved' }]);
    expect(await pagesOf(server, 'component:default/ledger')).toHaveLength(1);

    // Unknown entity: the integration's default route.
    await request(server)
      .post('/api/multivac/alerts/integrations/generic')
      .set(bearer)
      .send({ summary: 'Disk full', dedupKey: 'disk', entityRef: 'nope' })
      .expect(202);
    const defaulted = await eventually(
      () => listAlerts(server, 'entityRef=payments-api'),
      b => b.totalCount === 1,
    );
    expect(defaulted.items[0]).toMatchObject({
      routedBy: 'default',
      urgency: 'low',
    });
  });

  it.each([
    {
      vendor: 'Datadog (Multivac template)',
      integration: 'dd',
      firing: datadogFixture,
      recovery: { ...datadogFixture, transition: 'Recovered' },
      entityRef: 'component:default/ledger',
      routedBy: 'label:service',
      summary: '[Triggered] Ledger p99 latency above 2s',
    },
    {
      vendor: 'Sumo Logic (Multivac template)',
      integration: 'sumo',
      firing: sumoLogicFixture,
      recovery: { ...sumoLogicFixture, triggerType: 'ResolvedCritical' },
      entityRef: 'component:default/cart',
      routedBy: 'label:service',
      summary: 'Cart checkout errors',
    },
  ])(
    '$vendor, secret in X-Multivac-Secret: stored, routed, paged once, resolved on recovery',
    async ({ integration, firing, recovery, entityRef, routedBy, summary }) => {
      const { server } = await start();
      const deliver = (body: object) =>
        request(server)
          .post(`/api/multivac/alerts/integrations/${integration}`)
          .set('X-Multivac-Secret', SECRET)
          .send(body)
          .expect(202);
      await deliver(firing);
      await deliver(firing); // Datadog renotifies
      const listed = await eventually(
        () => listAlerts(server, `integration=${integration}`),
        b => b.items?.[0]?.deliveries === 2,
      );
      expect(listed).toMatchObject({
        totalCount: 1,
        items: [{ entityRef, routedBy, summary, urgency: 'high' }],
      });
      const groupId = listed.items[0].groupId;
      await eventually(
        () => group(server, groupId),
        g => Boolean(g.pageId),
      );
      await deliver(recovery);
      const resolved = await eventually(
        () => group(server, groupId),
        g => g.status === 'resolved',
      );
      expect(resolved.alerts).toMatchObject([{ status: 'resolved' }]);
      expect(await pagesOf(server, entityRef)).toHaveLength(1);

      const wrong = await request(server)
        .post(`/api/multivac/alerts/integrations/${integration}`)
        .set('X-Multivac-Secret', 'wrong-secret-0123456789')
        .send(firing);
      expect(wrong.status).toBe(401);
    },
  );

  it('refuses a bad secret, a bad or stale Grafana signature: 401, nothing stored', async () => {
    const { server } = await start();
    const body = JSON.stringify(grafanaFixture);
    const now = Math.floor(Date.now() / 1000);
    const attempts = [
      request(server)
        .post('/api/multivac/alerts/integrations/prom')
        .set('Authorization', 'Bearer wrong-secret-0123456789')
        .send(alertmanagerFixture),
      request(server)
        .post('/api/multivac/alerts/integrations/prom')
        .send(alertmanagerFixture),
      request(server)
        .post('/api/multivac/alerts/integrations/generic')
        .set(
          'Authorization',
          `Basic ${Buffer.from(`x:${SECRET}`).toString('base64')}`,
        )
        .send(genericFixture),
      // Bad signature, even with a good bearer token.
      signedGrafana(server, {
        secret: 'not-the-secret-0123456',
        timestamp: now,
        signed: body,
      }).set(bearer),
      // Stale: signed correctly 6 minutes ago.
      signedGrafana(server, {
        secret: SECRET,
        timestamp: now - 360,
        signed: body,
      }),
      // Signed over another body.
      signedGrafana(server, {
        secret: SECRET,
        timestamp: now,
        signed: body,
        sent: body.replace('us-1', 'us-2'),
      }),
    ];
    for (const attempt of attempts) {
      const res = await attempt;
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    }
    await new Promise(r => setTimeout(r, 300));
    expect((await listAlerts(server)).totalCount).toBe(0);
    const letters = await request(server)
      .get('/api/multivac/alerts/dead-letters')
      .set(asAda);
    expect(letters.body.items).toEqual([]);
  });

  it('an unreadable payload: 400 naming what is missing, kept as a dead letter; over 1 MB: 413; unknown integration: 404', async () => {
    const { server } = await start();
    const broken = {
      ...alertmanagerFixture,
      alerts: [{ ...alertmanagerFixture.alerts[0], fingerprint: undefined }],
    };
    const res = await request(server)
      .post('/api/multivac/alerts/integrations/prom')
      .set(bearer)
      .send(broken);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/alerts\.0\.fingerprint/);

    const notJson = await request(server)
      .post('/api/multivac/alerts/integrations/generic')
      .set(bearer)
      .set('Content-Type', 'application/json')
      .send('{"summary": "half a body');
    expect(notJson.status).toBe(400);

    const letters = await request(server)
      .get('/api/multivac/alerts/dead-letters')
      .set(asAda);
    expect(letters.body.items).toHaveLength(2);
    expect(letters.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          integrationId: 'prom',
          error: expect.stringMatching(/fingerprint/),
          body: JSON.stringify(broken),
        }),
        expect.objectContaining({
          integrationId: 'generic',
          body: '{"summary": "half a body',
        }),
      ]),
    );
    expect((await listAlerts(server)).totalCount).toBe(0);

    const huge = await request(server)
      .post('/api/multivac/alerts/integrations/generic')
      .set(bearer)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ summary: 'x'.repeat(1_100_000), dedupKey: 'x' }));
    expect(huge.status).toBe(413);

    await request(server)
      .post('/api/multivac/alerts/integrations/nope')
      .set(bearer)
      .send(genericFixture)
      .expect(404);
  });

  it('previews where each alert of a sample payload would go, with the rule that matched (signed in)', async () => {
    const { server } = await start();
    const res = await request(server)
      .post('/api/multivac/alerts/integrations/grafana/preview')
      .set(asAda)
      .send({ payload: grafanaFixture });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        dedupKey: 'c6eadffa33fcdf37:2021-10-12T07:51:03.157Z',
        entityRef: 'component:default/cart',
        matched: 'rule:2',
        urgency: 'low',
        candidates: [
          {
            entityRef: 'group:default/blue',
            matched: 'label:team',
            inCatalog: false,
          },
          {
            entityRef: 'component:default/cart',
            matched: 'rule:2',
            inCatalog: true,
          },
        ],
      }),
      expect.objectContaining({ matched: 'rule:2' }),
    ]);
    // Nothing stored, nobody paged.
    expect((await listAlerts(server)).totalCount).toBe(0);

    // The last N deliveries received, through the same routing.
    await request(server)
      .post('/api/multivac/alerts/integrations/grafana')
      .set(bearer)
      .send(grafanaFixture)
      .expect(202);
    const last = await request(server)
      .post('/api/multivac/alerts/integrations/grafana/preview')
      .set(asAda)
      .send({ last: 5 });
    expect(last.body.items.map((i: any) => i.matched)).toEqual([
      'rule:2',
      'rule:2',
    ]);

    const integrations = await request(server)
      .get('/api/multivac/alerts/integrations')
      .set(asAda);
    expect(integrations.status).toBe(200);
    expect(integrations.body.items).toContainEqual(
      expect.objectContaining({
        id: 'grafana',
        vendor: 'grafana',
        url: expect.stringMatching(
          /\/api\/multivac\/alerts\/integrations\/grafana$/,
        ),
        secretCount: 1,
        rules: [
          { match: { zone: 'nowhere' }, entityRef: 'component:default/orphan' },
          {
            match: { alertname: '/High .* usage/' },
            entityRef: 'component:default/cart',
          },
        ],
      }),
    );
    expect(JSON.stringify(integrations.body)).not.toContain(SECRET);

    const unreadable = await request(server)
      .post('/api/multivac/alerts/integrations/grafana/preview')
      .set(asAda)
      .send({ payload: { status: 'firing' } });
    expect(unreadable.status).toBe(400);
    const anonymous = await request(server)
      .post('/api/multivac/alerts/integrations/grafana/preview')
      .set('Authorization', mockCredentials.none.header())
      .send({ payload: grafanaFixture });
    expect(anonymous.status).toBe(401);
  });

  it('turns a group into an incident once (its alerts on the timeline, no second page), and acknowledges its page', async () => {
    const { server } = await start();
    const { groupId, paged } = await pagingGroup(server);

    const ack = await request(server)
      .post(`/api/multivac/alerts/groups/${groupId}/acknowledge`)
      .set(asAda);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      id: paged.pageId,
      status: 'acknowledged',
    });

    const started = await request(server)
      .post(`/api/multivac/alerts/groups/${groupId}/incident`)
      .set(asAda)
      .send({});
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      severity: 'SEV2',
      title: 'payments-api: payments-api answers 12% of requests with 5xx',
      entityRefs: ['component:default/payments-api'],
    });
    const again = await request(server)
      .post(`/api/multivac/alerts/groups/${groupId}/incident`)
      .set(asAda)
      .send({});
    expect(again.status).toBe(409);

    expect(await group(server, groupId)).toMatchObject({
      incidentId: started.body.id,
      alerts: [{ incidentId: started.body.id }],
    });
    const timeline = await request(server)
      .get(`/api/multivac/incidents/${started.body.reference}/timeline`)
      .set(asAda);
    expect(JSON.stringify(timeline.body)).toContain(
      'Alert firing: payments-api answers 12% of requests with 5xx (critical) http://prometheus.example.com',
    );
    // The incident's paging finds the group's page: nobody paged twice.
    await new Promise(r => setTimeout(r, 1000));
    expect(
      await pagesOf(server, 'component:default/payments-api'),
    ).toHaveLength(1);
  });

  it('refuses to start with a bad integration, naming the key', async () => {
    await expect(
      startBackend(undefined, {
        alerts: {
          integrations: [
            { id: 'x', name: 'X', vendor: 'zabbix', secrets: [SECRET] },
          ],
        },
      }),
    ).rejects.toThrow(/multivac\.alerts\.integrations\[0\]\.vendor: 'zabbix'/);
  });

  it("refuses to acknowledge a group's page for someone the policy does not let acknowledge that page", async () => {
    const refusePageAcknowledge = (permission: { name: string }) => ({
      result:
        permission.name === pageAcknowledgePermission.name
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    const policy = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => refusePageAcknowledge(r.permission)) as any,
      authorizeConditional: async requests =>
        requests.map(r => refusePageAcknowledge(r.permission)) as any,
    });
    const { server } = await startBackend(undefined, alertsConfig, [
      policy.factory,
    ]);
    const { groupId, paged } = await pagingGroup(server);

    const refused = await request(server)
      .post(`/api/multivac/alerts/groups/${groupId}/acknowledge`)
      .set(asAda);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/multivac\.page\.acknowledge/);
    expect((await group(server, groupId)).pageId).toBe(paged.pageId);
    const page = await request(server)
      .get(`/api/multivac/pages/${paged.pageId}`)
      .set(asAda);
    expect(page.body.status).toBe('triggered');
  });

  it('checks sign-in and multivac.alert.read on the REST routes', async () => {
    const { server } = await start();
    const anonymous = await request(server)
      .get('/api/multivac/alerts')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);

    const denied = await startBackend(AuthorizeResult.DENY, alertsConfig);
    const refused = await request(denied.server)
      .get('/api/multivac/alerts')
      .set(asAda);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/multivac\.alert\.read/);
    // The delivery endpoint needs the integration's secret, not a permission.
    await request(denied.server)
      .post('/api/multivac/alerts/integrations/generic')
      .set(bearer)
      .send(genericFixture)
      .expect(202);
  });
});

describe.each(createTestDatabases().eachSupportedId())(
  'unreadable deliveries kept as dead letters (%s)',
  databaseId => {
    const databases = createTestDatabases();

    it('a body with NUL bytes or half a surrogate pair: 400, kept as a dead letter with U+FFFD in their place', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startBackend(undefined, alertsConfig, [
        mockServices.database.factory({ knex }),
      ]);
      const deliver = (raw: Buffer) =>
        request(server)
          .post('/api/multivac/alerts/integrations/generic')
          .set(bearer)
          .set('Content-Type', 'application/json')
          .serialize(bytes => bytes)
          .send(raw);
      // Found by routes.fuzz.test.ts: PostgreSQL cannot store a NUL byte
      // (500), and JSON.parse's message quotes half of a 4-byte character.
      const withNul = await deliver(Buffer.from('{"summary":\u0000}'));
      expect(withNul.status).toBe(400);
      expect(withNul.body.error.message).toMatch(/^Body is not JSON: /);
      expect(withNul.body.error.message).not.toContain('\u0000');
      const halfPair = await deliver(
        Buffer.from([241, 168, 166, 183, 243, 185, 158, 176]),
      );
      expect(halfPair.status).toBe(400);
      expect(halfPair.body.error.message).toBe(
        `Body is not JSON: Unexpected token '\uFFFD', "\u{689B7}\u{F97B0}" is not valid JSON`,
      );

      const letters = await request(server)
        .get('/api/multivac/alerts/dead-letters')
        .set(asAda);
      expect(letters.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            integrationId: 'generic',
            error: withNul.body.error.message,
            body: '{"summary":\uFFFD}',
          }),
          expect.objectContaining({
            integrationId: 'generic',
            error: halfPair.body.error.message,
            body: '\u{689B7}\u{F97B0}',
          }),
        ]),
      );
      expect((await listAlerts(server)).totalCount).toBe(0);
    });

    it('a NUL byte in an integration or group id: 400 on every route, nothing stored', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startBackend(undefined, alertsConfig, [
        mockServices.database.factory({ knex }),
      ]);
      // Found by routes.fuzz.test.ts: on PostgreSQL these were 500s.
      const attempts = [
        request(server)
          .post('/api/multivac/alerts/integrations/generic%00')
          .set(bearer)
          .send(genericFixture),
        request(server)
          .post('/api/multivac/alerts/integrations/a%00b/rotate-secret')
          .set(asAda)
          .send({}),
        request(server)
          .post('/api/multivac/alerts/integrations/a%00b/preview')
          .set(asAda)
          .send({ last: 3 }),
        request(server)
          .delete('/api/multivac/alerts/integrations/a%00b')
          .set(asAda),
        request(server).get('/api/multivac/alerts/groups/a%00b').set(asAda),
        request(server)
          .post('/api/multivac/alerts/groups/a%00b/incident')
          .set(asAda)
          .send({}),
        request(server)
          .post('/api/multivac/alerts/groups/INC-1%00/acknowledge')
          .set(asAda)
          .send({}),
      ];
      for (const [i, attempt] of attempts.entries()) {
        const res = await attempt;
        expect([i, res.status]).toEqual([i, 400]);
        expect(res.body.error.message).toBe(
          'Invalid id: must be at most 255 characters without NUL bytes',
        );
      }
      expect((await listAlerts(server)).totalCount).toBe(0);
      const letters = await request(server)
        .get('/api/multivac/alerts/dead-letters')
        .set(asAda);
      expect(letters.body.items).toEqual([]);
    });
  },
);
