import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';
import { eventually } from '../__testUtils__/waitFor';
import { startSmtpServer } from './__testUtils__/smtpServer';
import { startWebhookGateway } from './__testUtils__/webhookGateway';

jest.setTimeout(60_000);

const SECRET = 'sms-gateway-shared-secret';

describe('paging channels in the backend', () => {
  it("falls back from email to the webhook when the mail server refuses the person's address", async () => {
    const smtp = await startSmtpServer({ refuse: /^ken\./ });
    const gateway = await startWebhookGateway(SECRET, { status: 202 });
    const { server } = await startBackend(undefined, {
      jobs: { pollIntervalSeconds: 0.1, initialBackoffSeconds: 0.1 },
      paging: {
        defaultChannels: ['email', 'webhook'],
        email: {
          smtp: { host: '127.0.0.1', port: smtp.port, secure: false },
          from: 'pager@nimbus.example',
        },
        webhook: { url: gateway.url, secret: SECRET, timeoutSeconds: 5 },
        acknowledgeLinks: { secret: 'acknowledge-links-test-secret' },
      },
    });

    const paged = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({
        scheduleId: 'shop-247',
        entityRef: 'component:default/ledger',
        summary: 'Ledger writes fail',
      });
    expect(paged.status).toBe(201);

    const page = await eventually(
      async () =>
        (
          await request(server)
            .get(`/api/multivac/pages/${paged.body.id}`)
            .set(asAda)
        ).body,
      body => body.deliveries?.[1]?.status === 'delivered',
    );
    expect(page.deliveries).toEqual([
      expect.objectContaining({
        channel: 'email',
        status: 'failed',
        detail: expect.stringContaining('ken.thompson@nimbus.example'),
      }),
      expect.objectContaining({
        channel: 'webhook',
        status: 'delivered',
        detail: 'accepted by the paging webhook (202)',
      }),
    ]);
    expect(smtp.received).toEqual([]);
    expect(gateway.received).toHaveLength(1);
    expect(gateway.received[0]).toMatchObject({
      verified: true,
      body: {
        person: { name: 'Ken Thompson' },
        page: { summary: 'Ledger writes fail' },
        acknowledgeUrl: expect.stringContaining(
          '/api/multivac/paging/acknowledge?token=',
        ),
      },
    });

    await gateway.close();
    await smtp.close();
  });
});
