import { ConfigReader } from '@backstage/config';
import { PagingDelivery } from '@multivac/plugin-multivac-node';
import {
  readWebhookSettings,
  WebhookPagingChannel,
} from './WebhookPagingChannel';
import { startWebhookGateway } from './__testUtils__/webhookGateway';

const SECRET = 'webhook-shared-secret';
const startGateway = (answer: { status: number; delayMs?: number }) =>
  startWebhookGateway(SECRET, answer);

const delivery: PagingDelivery = {
  page: {
    id: 'page-1',
    entityRef: 'component:default/payments-api',
    resolvedFrom: 'group:default/payments',
    provider: 'builtin',
    scheduleId: 'payments-primary',
    scheduleName: 'Payments primary',
    fallback: false,
    summary: 'SEV2 payments-api: Checkout fails',
    details: { incident: 'INC-3' },
    urgency: 'high',
    dedupKey: 'multivac-page-page-1',
    status: 'triggered',
    level: 1,
    targets: [],
    delivery: 'recorded',
    createdBy: 'user:default/ada.lovelace',
    createdAt: '2026-12-04T10:00:00.000Z',
    updatedAt: '2026-12-04T10:00:00.000Z',
    history: [],
  },
  person: {
    userRef: 'user:default/grace.hopper',
    name: 'Grace Hopper',
    email: 'grace.hopper@nimbus.example',
    phone: '+49 30 1002',
  },
  acknowledgeUrl: 'http://backend/api/multivac/paging/acknowledge?token=t',
  deliveryId: 'delivery-1',
};
const signal = new AbortController().signal;

describe('WebhookPagingChannel', () => {
  it('posts the page, the person and the acknowledge link, signed with the shared secret', async () => {
    const gateway = await startGateway({ status: 200 });
    const channel = new WebhookPagingChannel({
      url: gateway.url,
      secret: SECRET,
      timeoutMs: 5000,
    });

    await expect(channel.deliver(delivery, signal)).resolves.toEqual({
      status: 'delivered',
      detail: 'accepted by the paging webhook (200)',
    });
    const [call] = gateway.received;
    expect(call.verified).toBe(true);
    expect(call.headers['x-multivac-delivery']).toBe('delivery-1');
    expect(call.body).toMatchObject({
      type: 'page',
      page: {
        id: 'page-1',
        summary: 'SEV2 payments-api: Checkout fails',
        urgency: 'high',
        details: { incident: 'INC-3' },
      },
      person: { name: 'Grace Hopper', phone: '+49 30 1002' },
      acknowledgeUrl: delivery.acknowledgeUrl,
    });
    await gateway.close();
  });

  it('is not verified with another secret', async () => {
    const gateway = await startGateway({ status: 200 });
    await new WebhookPagingChannel({
      url: gateway.url,
      secret: 'not-the-gateways-secret',
      timeoutMs: 5000,
    }).deliver(delivery, signal);
    expect(gateway.received[0].verified).toBe(false);
    await gateway.close();
  });

  it('fails on a refusing answer and on a gateway slower than the timeout', async () => {
    const refusing = await startGateway({ status: 503 });
    await expect(
      new WebhookPagingChannel({
        url: refusing.url,
        secret: SECRET,
        timeoutMs: 5000,
      }).deliver(delivery, signal),
    ).resolves.toEqual({
      status: 'failed',
      error: 'the paging webhook answered 503: carrier unavailable',
    });
    await refusing.close();

    const slow = await startGateway({ status: 200, delayMs: 2000 });
    const result = await new WebhookPagingChannel({
      url: slow.url,
      secret: SECRET,
      timeoutMs: 200,
    }).deliver(delivery, signal);
    expect(result).toEqual({
      status: 'failed',
      error: expect.stringMatching(/^the paging webhook did not answer: /),
    });
    await slow.close();
  });

  it('reads its settings, refusing bad ones naming the key', () => {
    const read = (webhook: object) =>
      readWebhookSettings(
        new ConfigReader({ multivac: { paging: { webhook } } }),
      );
    expect(read({ url: 'https://sms.example/page', secret: SECRET })).toEqual({
      url: 'https://sms.example/page',
      secret: SECRET,
      timeoutMs: 10_000,
    });
    expect(readWebhookSettings(new ConfigReader({}))).toBeUndefined();
    expect(() => read({ url: 'ftp://sms.example', secret: SECRET })).toThrow(
      "multivac.paging.webhook.url must be an http(s) URL, got 'ftp://sms.example'",
    );
    expect(() => read({ url: 'https://sms.example', secret: 'short' })).toThrow(
      'multivac.paging.webhook.secret must be at least 16 characters long',
    );
    expect(() =>
      read({ url: 'https://sms.example', secret: SECRET, timeoutSeconds: 600 }),
    ).toThrow(
      'multivac.paging.webhook.timeoutSeconds must be more than 0 and at most 60, got 600',
    );
  });
});
