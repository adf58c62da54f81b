import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';
import { eventually } from '../__testUtils__/waitFor';
import alertmanagerFixture from './__fixtures__/alertmanager.json';

jest.setTimeout(60_000);

const CONFIG_SECRET = 'config-secret-0123456789';

const config = {
  jobs: { pollIntervalSeconds: 0.1, initialBackoffSeconds: 0.1 },
  alerts: {
    integrations: [
      {
        id: 'prom',
        name: 'Prometheus (GitOps)',
        vendor: 'alertmanager',
        secrets: [CONFIG_SECRET],
      },
    ],
  },
};

type Server = Awaited<ReturnType<typeof startBackend>>['server'];

const deliver = (server: Server, id: string, secret: string) =>
  request(server)
    .post(`/api/multivac/alerts/integrations/${id}`)
    .set('Authorization', `Bearer ${secret}`)
    .send(alertmanagerFixture);

const create = (server: Server, body: object) =>
  request(server)
    .post('/api/multivac/alerts/integrations')
    .set(asAda)
    .send(body);

const rotate = (server: Server, id: string, body: object = {}) =>
  request(server)
    .post(`/api/multivac/alerts/integrations/${id}/rotate-secret`)
    .set(asAda)
    .send(body);

const listIntegrations = async (server: Server) =>
  (await request(server).get('/api/multivac/alerts/integrations').set(asAda))
    .body.items as any[];

const alertsOf = async (server: Server, integration: string) =>
  (
    await request(server)
      .get(`/api/multivac/alerts?integration=${integration}`)
      .set(asAda)
  ).body;

describe('alert integrations created in the portal', () => {
  it('creates one with a secret shown once, which its sender then delivers with', async () => {
    const { server } = await startBackend(undefined, config);
    const created = await create(server, {
      id: 'prom-portal',
      name: 'Prometheus (portal)',
      vendor: 'alertmanager',
      defaultEntityRef: 'cart',
      urgency: { Warning: 'high' },
      groupWindowMinutes: 5,
    });
    expect(created.status).toBe(201);
    const { integration, secret } = created.body;
    expect(secret).toMatch(/^mvs_[A-Za-z0-9_-]{43}$/);
    expect(integration).toMatchObject({
      id: 'prom-portal',
      vendor: 'alertmanager',
      managedBy: 'portal',
      secretCount: 1,
      defaultEntityRef: 'component:default/cart',
      groupWindowMinutes: 5,
      url: expect.stringMatching(
        /\/api\/multivac\/alerts\/integrations\/prom-portal$/,
      ),
    });
    expect(integration.urgency).toMatchObject({
      warning: 'high',
      critical: 'high',
    });
    expect(Date.parse(integration.createdAt)).not.toBeNaN();

    // Listed with the config one; the secret is never listed.
    const listed = await listIntegrations(server);
    expect(listed.map(i => [i.id, i.managedBy])).toEqual([
      ['prom', 'config'],
      ['prom-portal', 'portal'],
    ]);
    expect(JSON.stringify(listed)).not.toContain(secret);

    expect((await deliver(server, 'prom-portal', secret)).status).toBe(202);
    const stored = await eventually(
      () => alertsOf(server, 'prom-portal'),
      b => b.items?.[0]?.groupId !== undefined,
    );
    expect(stored.items[0]).toMatchObject({
      entityRef: 'component:default/payments-api',
      integrationId: 'prom-portal',
    });
    // Its secret is its own: the config integration's is refused, and back.
    expect((await deliver(server, 'prom-portal', CONFIG_SECRET)).status).toBe(
      401,
    );
    expect((await deliver(server, 'prom', secret)).status).toBe(401);
    // Basic auth (Alertmanager's http_config) and X-Multivac-Secret work too.
    await request(server)
      .post('/api/multivac/alerts/integrations/prom-portal')
      .set(
        'Authorization',
        `Basic ${Buffer.from(`am:${secret}`).toString('base64')}`,
      )
      .send(alertmanagerFixture)
      .expect(202);
    await request(server)
      .post('/api/multivac/alerts/integrations/prom-portal')
      .set('X-Multivac-Secret', secret)
      .send(alertmanagerFixture)
      .expect(202);
  });

  it('rotates without downtime: old and new both valid inside the grace, the old one refused after', async () => {
    const { server } = await startBackend(undefined, config);
    const first = (
      await create(server, {
        id: 'am',
        name: 'Alertmanager',
        vendor: 'alertmanager',
      })
    ).body.secret;

    const rotated = await rotate(server, 'am', { graceMinutes: 30 });
    expect(rotated.status).toBe(200);
    const second = rotated.body.secret;
    expect(second).not.toBe(first);
    expect(rotated.body.integration).toMatchObject({
      secretCount: 2,
      managedBy: 'portal',
    });
    const validUntil = Date.parse(
      rotated.body.integration.previousSecretValidUntil,
    );
    expect(validUntil - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(validUntil - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    expect(Date.parse(rotated.body.integration.secretRotatedAt)).not.toBeNaN();
    expect((await deliver(server, 'am', first)).status).toBe(202);
    expect((await deliver(server, 'am', second)).status).toBe(202);

    // No grace: the second secret ends now; the first (two rotations ago) too.
    const third = (await rotate(server, 'am', { graceMinutes: 0 })).body;
    expect(third.integration.secretCount).toBe(1);
    expect((await deliver(server, 'am', third.secret)).status).toBe(202);
    await new Promise(resolve => setTimeout(resolve, 5));
    expect((await deliver(server, 'am', second)).status).toBe(401);
    expect((await deliver(server, 'am', first)).status).toBe(401);
    // Without a body: the default grace of 60 minutes.
    const fourth = await request(server)
      .post('/api/multivac/alerts/integrations/am/rotate-secret')
      .set(asAda);
    expect(fourth.status).toBe(200);
    expect(
      Date.parse(fourth.body.integration.previousSecretValidUntil) - Date.now(),
    ).toBeGreaterThan(59 * 60_000);
  });

  it('deletes a portal integration (its deliveries then 404); refuses a config one (409) and an unknown one (404)', async () => {
    const { server } = await startBackend(undefined, config);
    const { secret } = (
      await create(server, { id: 'gone', name: 'Gone', vendor: 'generic' })
    ).body;
    await request(server)
      .delete('/api/multivac/alerts/integrations/gone')
      .set(asAda)
      .expect(204);
    expect(
      (
        await request(server)
          .post('/api/multivac/alerts/integrations/gone')
          .set('Authorization', `Bearer ${secret}`)
          .send({ summary: 'x', dedupKey: 'x' })
      ).status,
    ).toBe(404);
    const configured = await request(server)
      .delete('/api/multivac/alerts/integrations/prom')
      .set(asAda);
    expect(configured.status).toBe(409);
    expect(configured.body.error.message).toMatch(/app-config\.yaml/);
    expect((await rotate(server, 'prom')).status).toBe(409);
    await request(server)
      .delete('/api/multivac/alerts/integrations/gone')
      .set(asAda)
      .expect(404);
    expect((await rotate(server, 'nope')).status).toBe(404);
    // The id of a config integration cannot be taken, nor a portal one twice.
    expect(
      (await create(server, { id: 'prom', name: 'x', vendor: 'generic' }))
        .status,
    ).toBe(409);
    await create(server, { id: 'twice', name: 'x', vendor: 'generic' }).expect(
      201,
    );
    expect(
      (await create(server, { id: 'twice', name: 'x', vendor: 'generic' }))
        .status,
    ).toBe(409);
  });

  it.each([
    [{ id: 'a b', name: 'x', vendor: 'generic' }, /id/],
    [{ id: 'x', name: '', vendor: 'generic' }, /name/],
    [{ id: 'x', name: 'x', vendor: 'nagios' }, /vendor/],
    [
      { id: 'x', name: 'x', vendor: 'generic', groupWindowMinutes: 0 },
      /groupWindowMinutes/,
    ],
    [
      { id: 'x', name: 'x', vendor: 'generic', urgency: { p1: 'urgent' } },
      /urgency/,
    ],
    [
      {
        id: 'x',
        name: 'x',
        vendor: 'generic',
        defaultEntityRef: 'no-such-thing',
      },
      /defaultEntityRef/,
    ],
    [{ id: 'x', name: 'x', vendor: 'generic', secret: 'mine' }, /secret/],
    [
      {
        id: 'x',
        name: 'x',
        vendor: 'zendesk',
        zendeskUrl: 'file:///etc/passwd',
      },
      /zendeskUrl/,
    ],
  ])(
    'refuses a bad integration %j with 400 naming the field',
    async (body, field) => {
      const { server } = await startBackend(undefined, config);
      const res = await create(server, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(field);
    },
  );

  it('refuses a bad grace period with 400', async () => {
    const { server } = await startBackend(undefined, config);
    await create(server, { id: 'am', name: 'x', vendor: 'alertmanager' });
    for (const graceMinutes of [-1, 10_081, 1.5, 'soon']) {
      const res = await rotate(server, 'am', { graceMinutes });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/graceMinutes/);
    }
  });

  it('needs multivac.integration.manage to create, rotate and delete', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY, config);
    expect(
      (await create(server, { id: 'x', name: 'x', vendor: 'generic' })).status,
    ).toBe(403);
    expect((await rotate(server, 'prom')).status).toBe(403);
    expect(
      (
        await request(server)
          .delete('/api/multivac/alerts/integrations/prom')
          .set(asAda)
      ).status,
    ).toBe(403);
    // Not signed in: 401.
    expect(
      (
        await request(server)
          .post('/api/multivac/alerts/integrations')
          .set('Authorization', mockCredentials.none.header())
          .send({ id: 'x', name: 'x', vendor: 'generic' })
      ).status,
    ).toBe(401);
  });
});
