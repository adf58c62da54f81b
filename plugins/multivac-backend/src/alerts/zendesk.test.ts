import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';
import zendeskFixture from './__fixtures__/zendesk.json';
import { zendeskSignature } from './verifySender';

jest.setTimeout(60_000);

/** Zendesk's signing secret of the webhook (Zendesk generates it). */
const SIGNING_SECRET = 'dGVzdC1zaWduaW5nLXNlY3JldC0wMTIzNDU2Nzg5';

const config = {
  jobs: { pollIntervalSeconds: 0.1, initialBackoffSeconds: 0.1 },
  alerts: {
    integrations: [
      {
        id: 'zendesk',
        name: 'Zendesk support',
        vendor: 'zendesk',
        secrets: [SIGNING_SECRET],
        defaultEntityRef: 'cart',
        zendeskUrl: 'https://acme.zendesk.com/',
      },
    ],
  },
};

type Server = Awaited<ReturnType<typeof startBackend>>['server'];

/** A delivery signed as Zendesk signs it: base64 HMAC of timestamp + body. */
function signed(
  server: Server,
  payload: object,
  options: { timestamp?: Date; secret?: string } = {},
) {
  const body = JSON.stringify(payload);
  const timestamp = (options.timestamp ?? new Date())
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  return request(server)
    .post('/api/multivac/alerts/integrations/zendesk')
    .set('Content-Type', 'application/json')
    .set(
      'X-Zendesk-Webhook-Signature',
      zendeskSignature(options.secret ?? SIGNING_SECRET, timestamp, body),
    )
    .set('X-Zendesk-Webhook-Signature-Timestamp', timestamp)
    .send(body);
}

const reports = async (server: Server) =>
  (await request(server).get('/api/multivac/reports').set(asAda)).body as {
    items: any[];
    totalCount: number;
  };

const ticketEvent = (id: string, overrides: object = {}) => ({
  ...zendeskFixture,
  detail: { ...zendeskFixture.detail, id, ...overrides },
});

describe('Zendesk tickets become triage reports', () => {
  it('a signed ticket.created event files one report (routed by its service_ tag, linked to the ticket); repeats and updates file no second one', async () => {
    const { server } = await startBackend(undefined, config);
    const sent = await signed(server, zendeskFixture);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ created: true });
    const { reportId } = sent.body;

    const filed = await reports(server);
    expect(filed.totalCount).toBe(1);
    expect(filed.items[0]).toMatchObject({
      id: reportId,
      title: 'Card payments declined at checkout',
      entityRef: 'component:default/payments-api',
      reportedBy: 'service:zendesk',
      // Zendesk's `urgent` raises it above the rubric's SEV4 for one customer.
      severity: 'SEV2',
      usersAffected: 'one',
      scope: 'customer',
      customer: 'Zendesk organization 10002',
      customerFacing: true,
      links: ['https://acme.zendesk.com/agent/tickets/35436'],
    });
    expect(filed.items[0].description).toMatch(/every card payment/);

    // Zendesk retries, the ticket is updated: the same report.
    const again = await signed(server, zendeskFixture);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ reportId, created: false });
    const updated = await signed(server, {
      ...ticketEvent('35436', { status: 'OPEN', priority: 'LOW' }),
      type: 'zen:event-type:ticket.status_changed',
    });
    expect(updated.body).toEqual({ reportId, created: false });
    // Delivered several times at once: still one report.
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => signed(server, ticketEvent('35437'))),
    );
    expect(racing.map(r => r.status)).toEqual(Array(5).fill(202));
    expect(racing.filter(r => r.body.created)).toHaveLength(1);
    expect(new Set(racing.map(r => r.body.reportId)).size).toBe(1);
    expect((await reports(server)).totalCount).toBe(2);

    // No service_ tag: the integration's default route.
    await signed(server, ticketEvent('35438', { tags: [], priority: null }));
    const defaulted = (await reports(server)).items.find((r: any) =>
      r.links.includes('https://acme.zendesk.com/agent/tickets/35438'),
    );
    expect(defaulted).toMatchObject({ entityRef: 'component:default/cart' });
  });

  it('refuses a bad, a stale or a missing signature with 401 and files nothing', async () => {
    const { server } = await startBackend(undefined, config);
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    const inSixMinutes = new Date(Date.now() + 6 * 60_000);
    expect(
      (await signed(server, zendeskFixture, { secret: 'not-the-secret' }))
        .status,
    ).toBe(401);
    expect(
      (await signed(server, zendeskFixture, { timestamp: sixMinutesAgo }))
        .status,
    ).toBe(401);
    expect(
      (await signed(server, zendeskFixture, { timestamp: inSixMinutes }))
        .status,
    ).toBe(401);
    // Signed over another body than the one sent.
    const timestamp = new Date().toISOString();
    const tampered = await request(server)
      .post('/api/multivac/alerts/integrations/zendesk')
      .set('Content-Type', 'application/json')
      .set(
        'X-Zendesk-Webhook-Signature',
        zendeskSignature(SIGNING_SECRET, timestamp, '{}'),
      )
      .set('X-Zendesk-Webhook-Signature-Timestamp', timestamp)
      .send(zendeskFixture);
    expect(tampered.status).toBe(401);
    const unsigned = await request(server)
      .post('/api/multivac/alerts/integrations/zendesk')
      .send(zendeskFixture);
    expect(unsigned.status).toBe(401);
    expect((await reports(server)).totalCount).toBe(0);
  });

  it('an event that is no ticket event: 400 naming it, kept as a dead letter', async () => {
    const { server } = await startBackend(undefined, config);
    const res = await signed(server, {
      ...zendeskFixture,
      type: 'zen:event-type:user.active_changed',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/type: must be a ticket event/);
    const letters = (
      await request(server).get('/api/multivac/alerts/dead-letters').set(asAda)
    ).body.items;
    expect(letters).toMatchObject([{ integrationId: 'zendesk' }]);
    expect((await reports(server)).totalCount).toBe(0);
  });

  it('a Zendesk integration created in the portal takes its secret as the webhook bearer token', async () => {
    const { server } = await startBackend(undefined, config);
    const created = await request(server)
      .post('/api/multivac/alerts/integrations')
      .set(asAda)
      .send({
        id: 'zd-portal',
        name: 'Zendesk (portal)',
        vendor: 'zendesk',
        defaultEntityRef: 'ledger',
        zendeskUrl: 'https://nimbus.zendesk.com',
      })
      .expect(201);
    const send = (secret: string) =>
      request(server)
        .post('/api/multivac/alerts/integrations/zd-portal')
        .set('Authorization', `Bearer ${secret}`)
        .send(ticketEvent('9', { tags: [] }));
    expect((await send('wrong-secret-0123456789')).status).toBe(401);
    const sent = await send(created.body.secret);
    expect(sent.status).toBe(202);
    expect((await reports(server)).items[0]).toMatchObject({
      entityRef: 'component:default/ledger',
      links: ['https://nimbus.zendesk.com/agent/tickets/9'],
    });
  });
});
