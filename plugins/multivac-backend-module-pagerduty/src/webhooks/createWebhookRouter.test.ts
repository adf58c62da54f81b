import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { PageUpdate } from '@multivac/plugin-multivac-node';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { incidentWebhook } from '../__testUtils__/fixtures';
import {
  createWebhookRouter,
  WEBHOOK_PATH,
  WebhookSecret,
} from './createWebhookRouter';
import { NotifiedEvent } from './PagerDutyInterruptions';
import { signatureOf } from './verifySignature';
import { WebhookStore } from './WebhookStore';

const URL_PATH = '/api/multivac/pagerduty/webhooks';
const SECRET = 'subscription-secret';

describe('createWebhookRouter', () => {
  let record: jest.Mock<Promise<boolean>, [PageUpdate]>;
  let enqueue: jest.Mock<Promise<boolean>, [NotifiedEvent]>;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let backends: Array<{ stop(): Promise<void> }>;
  let store: WebhookStore;

  beforeEach(() => {
    record = jest.fn<Promise<boolean>, [PageUpdate]>().mockResolvedValue(true);
    enqueue = jest
      .fn<Promise<boolean>, [NotifiedEvent]>()
      .mockResolvedValue(true);
    logger = mockServices.logger.mock();
    backends = [];
  });
  afterEach(() => Promise.all(backends.map(backend => backend.stop())));

  /** The router in a plugin whose next router parses JSON, as Multivac's do. */
  async function start(
    secrets: Array<string | WebhookSecret>,
    maxEventAgeSeconds = 300,
  ) {
    const backend = await startTestBackend({
      features: [
        logger.factory,
        createBackendPlugin({
          pluginId: 'multivac',
          register(env) {
            env.registerInit({
              deps: {
                httpRouter: coreServices.httpRouter,
                logger: coreServices.logger,
                database: coreServices.database,
              },
              async init({ httpRouter, logger: pluginLogger, database }) {
                store = await WebhookStore.create(database);
                httpRouter.use(
                  createWebhookRouter({
                    config: {
                      secrets: secrets.map(secret =>
                        typeof secret === 'string'
                          ? { account: 'default', secret }
                          : secret,
                      ),
                      maxEventAgeSeconds,
                    },
                    pageUpdates: { record },
                    notified: { enqueue },
                    store,
                    logger: pluginLogger,
                  }),
                );
                httpRouter.addAuthPolicy({
                  path: WEBHOOK_PATH,
                  allow: 'unauthenticated',
                });
                const next = Router();
                next.use(express.json());
                next.post('/echo', (req, res) => {
                  res.json(req.body);
                });
                httpRouter.use(next);
              },
            });
          },
        }),
      ],
    });
    backends.push(backend);
    return backend.server;
  }

  async function post(
    body: string | object,
    signature: string | undefined = undefined,
    secrets: Array<string | WebhookSecret> = [SECRET],
  ) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(await start(secrets))
      .post(URL_PATH)
      .set('Content-Type', 'application/json');
    return req
      .set(
        signature === undefined ? {} : { 'X-PagerDuty-Signature': signature },
      )
      .send(text);
  }
  const signed = (body: object, secret = SECRET) =>
    post(body, signatureOf(JSON.stringify(body), secret));

  it('records an acknowledgement made in PagerDuty on the page', async () => {
    const res = await signed(incidentWebhook('incident.acknowledged'));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ recorded: true });
    expect(record).toHaveBeenCalledWith({
      dedupKey: 'multivac-page-1',
      status: 'acknowledged',
      by: 'Ada Lovelace',
      source: 'PagerDuty',
    });
  });

  it('records a resolution PagerDuty made itself, without an agent', async () => {
    const res = await signed(
      incidentWebhook('incident.resolved', { agent: null }),
    );

    expect(res.body).toEqual({ recorded: true });
    expect(record).toHaveBeenCalledWith({
      dedupKey: 'multivac-page-1',
      status: 'resolved',
      by: undefined,
      source: 'PagerDuty',
    });
  });

  it('answers recorded: false for an incident key of no page', async () => {
    record.mockResolvedValue(false);

    const res = await signed(incidentWebhook('incident.resolved'));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ recorded: false });
  });

  it('answers recorded: false for an incident without a key', async () => {
    // Incidents grouped from several alerts have none.
    const data = { id: 'PINC2', type: 'incident', incident_key: null };

    const res = await signed(incidentWebhook('incident.resolved', { data }));

    expect(res.body).toEqual({ recorded: false });
    expect(record).not.toHaveBeenCalled();
  });

  it.each([
    'incident.annotated',
    'incident.priority_updated',
    'incident.responder.replied',
    'service.updated',
  ])(
    'ignores %s with a 2xx, so that PagerDuty does not retry',
    async eventType => {
      const res = await signed(incidentWebhook(eventType));

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ignored: eventType });
      expect(record).not.toHaveBeenCalled();
      expect(enqueue).not.toHaveBeenCalled();
    },
  );

  describe('people PagerDuty notified', () => {
    const assigned = (eventType: string, ...ids: string[]) => {
      const body = incidentWebhook(eventType);
      return incidentWebhook(eventType, {
        id: body.event.id,
        data: {
          ...body.event.data,
          assignees: ids.map(id => ({ id, type: 'user_reference' })),
        },
      });
    };

    it.each([
      'incident.triggered',
      'incident.escalated',
      'incident.reassigned',
      'incident.delegated',
      'incident.reopened',
      'incident.unacknowledged',
    ])(
      'queues the assignees of %s for the interruptions ledger',
      async type => {
        const body = assigned(type, 'PADA', 'PGRACE');

        const res = await signed(body);

        expect(res.status).toBe(200);
        expect(res.body).toEqual({ queued: true });
        expect(enqueue).toHaveBeenCalledWith({
          eventId: body.event.id,
          eventType: type,
          account: 'default',
          occurredAt: body.event.occurred_at,
          incidentId: 'PINC1',
          incidentKey: 'multivac-page-1',
          serviceId: 'PSVC1',
          userIds: ['PADA', 'PGRACE'],
        });
        expect(record).not.toHaveBeenCalled();
      },
    );

    it('queues the user asked to respond', async () => {
      const body = incidentWebhook('incident.responder.added', {
        data: {
          incident: { id: 'PINC7', type: 'incident_reference' },
          user: { id: 'PALAN', type: 'user_reference' },
          escalation_policy: null,
          message: 'Please help',
          state: 'pending',
          type: 'incident_responder',
        },
      });

      expect((await signed(body)).body).toEqual({ queued: true });
      expect(enqueue).toHaveBeenCalledWith(
        expect.objectContaining({
          eventType: 'incident.responder.added',
          incidentId: 'PINC7',
          userIds: ['PALAN'],
        }),
      );
    });

    it('queues nothing when the event names nobody', async () => {
      const res = await signed(assigned('incident.triggered'));

      expect(res.body).toEqual({ queued: false });
      expect(enqueue).not.toHaveBeenCalled();
    });

    it('refuses with 400 an event that does not say who, naming the field', async () => {
      const body = incidentWebhook('incident.escalated');
      const { assignees: _, ...data } = body.event.data as Record<
        string,
        unknown
      >;

      const res = await signed(
        incidentWebhook('incident.escalated', { id: body.event.id, data }),
      );

      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        `PagerDuty incident.escalated event ${body.event.id} does not say who was notified (event.data.assignees: Required)`,
      );
      expect(enqueue).not.toHaveBeenCalled();
    });

    it('still refuses an unsigned or wrongly signed event with 401', async () => {
      const body = assigned('incident.triggered', 'PADA');

      expect((await post(body)).status).toBe(401);
      expect((await signed(body, 'guessed')).status).toBe(401);
      expect(enqueue).not.toHaveBeenCalled();
    });

    it('queues an event id once, and again after queueing it failed', async () => {
      const server = await start([SECRET]);
      const body = assigned('incident.triggered', 'PADA');
      const text = JSON.stringify(body);
      const deliver = () =>
        request(server)
          .post(URL_PATH)
          .set('Content-Type', 'application/json')
          .set('X-PagerDuty-Signature', signatureOf(text, SECRET))
          .send(text);
      enqueue.mockRejectedValueOnce(new Error('database unavailable'));

      expect((await deliver()).status).toBe(500);
      expect((await deliver()).body).toEqual({ queued: true });
      expect((await deliver()).body).toEqual({
        queued: false,
        duplicate: true,
      });
      expect(enqueue).toHaveBeenCalledTimes(2);
    });

    it("refuses with 403 a page of another account than the secret's", async () => {
      const server = await start([
        { account: 'default', secret: 'us-secret' },
        { account: 'eu', secret: 'eu-secret' },
      ]);
      await store.recordPageAccount('multivac-page-1', 'eu');
      const text = JSON.stringify(assigned('incident.escalated', 'PADA'));

      const res = await request(server)
        .post(URL_PATH)
        .set('Content-Type', 'application/json')
        .set('X-PagerDuty-Signature', signatureOf(text, 'us-secret'))
        .send(text);

      expect(res.status).toBe(403);
      expect(enqueue).not.toHaveBeenCalled();
    });
  });

  it('accepts a delivery whose second signature matches, while secrets rotate', async () => {
    const body = incidentWebhook('incident.acknowledged');
    const text = JSON.stringify(body);

    const res = await post(
      body,
      `${signatureOf(text, 'old-secret')},${signatureOf(text, SECRET)}`,
      ['another-account-secret', SECRET],
    );

    expect(res.body).toEqual({ recorded: true });
  });

  it('rejects a wrong signature with 401', async () => {
    const res = await signed(incidentWebhook('incident.resolved'), 'guessed');

    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({
      name: 'AuthenticationError',
      message:
        'X-PagerDuty-Signature does not match the body for any configured webhook secret',
    });
    expect(record).not.toHaveBeenCalled();
  });

  it('rejects a request without signature with 401', async () => {
    const res = await post(incidentWebhook('incident.resolved'));

    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe(
      'Missing X-PagerDuty-Signature header: PagerDuty signs every v3 webhook',
    );
  });

  it('rejects a body changed after signing', async () => {
    const original = incidentWebhook('incident.resolved');
    const tampered = incidentWebhook('incident.resolved', {
      data: { ...original.event.data, incident_key: 'multivac-page-2' },
    });

    const res = await post(
      tampered,
      signatureOf(JSON.stringify(original), SECRET),
    );

    expect(res.status).toBe(401);
    expect(record).not.toHaveBeenCalled();
  });

  it('rejects a signed body that is not JSON with 400', async () => {
    const res = await post('{"event":', signatureOf('{"event":', SECRET));

    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      name: 'InputError',
      message: 'PagerDuty webhook body is not JSON',
    });
  });

  it('rejects signed JSON that is not a v3 event with 400', async () => {
    const res = await signed({ messages: [] });

    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'PagerDuty webhook body is not a v3 webhook event (event: Required)',
    );
  });

  it('accepts nothing without configured secrets', async () => {
    const body = incidentWebhook('incident.resolved');

    const res = await post(body, signatureOf(JSON.stringify(body), ''), []);

    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe(
      'PagerDuty webhooks are off: no webhook secret is configured (multivac.pagerDuty.webhookSecrets or accounts[].webhookSecrets)',
    );
    expect(record).not.toHaveBeenCalled();
  });

  it('leaves the bodies of the other routes to them', async () => {
    const server = await start([SECRET]);

    const res = await request(server)
      .post('/api/multivac/echo')
      .send({ hello: 'world' });

    expect(res.body).toEqual({ hello: 'world' });
  });

  it('logs neither secrets nor signatures', async () => {
    const body = incidentWebhook('incident.acknowledged');
    const signature = signatureOf(JSON.stringify(body), SECRET);
    await post(body, signature);
    await post(body, 'v1=0000');

    const logged = JSON.stringify(
      Object.values(logger).flatMap(method =>
        jest.isMockFunction(method) ? method.mock.calls : [],
      ),
    );
    expect(logged).toContain('multivac-page-1');
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(signature.slice(3));
  });

  describe('replays', () => {
    const minutesAgo = (minutes: number) =>
      new Date(Date.now() - minutes * 60_000).toISOString();

    /** Posts `body` signed with `secret` to a started backend. */
    const deliver = (
      server: Parameters<typeof request>[0],
      body: object,
      secret = SECRET,
    ) => {
      const text = JSON.stringify(body);
      return request(server)
        .post(URL_PATH)
        .set('Content-Type', 'application/json')
        .set('X-PagerDuty-Signature', signatureOf(text, secret))
        .send(text);
    };

    it.each([
      ['more than 5 minutes ago', 6],
      ['more than 5 minutes ahead', -6],
    ])(
      'refuses an event that occurred %s with 400, naming the setting',
      async (_when, minutes) => {
        const occurredAt = minutesAgo(minutes);
        const res = await signed(
          incidentWebhook('incident.resolved', {
            id: 'EVT-OLD',
            occurred_at: occurredAt,
          }),
        );

        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(
          `PagerDuty event EVT-OLD occurred at ${occurredAt}, more than 300 seconds from now: refused as a possible replay (multivac.pagerDuty.webhookMaxEventAgeSeconds)`,
        );
        expect(record).not.toHaveBeenCalled();
      },
    );

    it('accepts older events when webhookMaxEventAgeSeconds allows them', async () => {
      const server = await start([SECRET], 900);

      const res = await deliver(
        server,
        incidentWebhook('incident.resolved', { occurred_at: minutesAgo(10) }),
      );

      expect(res.body).toEqual({ recorded: true });
    });

    it('has the effect of an event id once, however often it is delivered', async () => {
      const server = await start([SECRET]);
      const event = incidentWebhook('incident.resolved');

      const first = await deliver(server, event);
      const replayed = await deliver(server, event);
      const sameIdNewBody = await deliver(
        server,
        incidentWebhook('incident.acknowledged', { id: event.event.id }),
      );

      expect(first.body).toEqual({ recorded: true });
      expect(replayed.status).toBe(200);
      expect(replayed.body).toEqual({ recorded: false, duplicate: true });
      expect(sameIdNewBody.body).toEqual({ recorded: false, duplicate: true });
      expect(record).toHaveBeenCalledTimes(1);
    });

    it("lets PagerDuty's retry through when recording the event failed", async () => {
      const server = await start([SECRET]);
      const event = incidentWebhook('incident.acknowledged');
      record.mockRejectedValueOnce(new Error('database unavailable'));

      expect((await deliver(server, event)).status).toBe(500);
      const retried = await deliver(server, event);

      expect(retried.body).toEqual({ recorded: true });
      expect(record).toHaveBeenCalledTimes(2);
    });
  });

  describe('accounts', () => {
    const accounts: WebhookSecret[] = [
      { account: 'default', secret: 'us-secret' },
      { account: 'eu', secret: 'eu-secret' },
    ];
    const deliver = async (body: object, secret: string) => {
      const text = JSON.stringify(body);
      return request(await start(accounts))
        .post(URL_PATH)
        .set('Content-Type', 'application/json')
        .set('X-PagerDuty-Signature', signatureOf(text, secret))
        .send(text);
    };

    it("refuses with 403 a page of another account than the secret's", async () => {
      const body = incidentWebhook('incident.resolved');
      const text = JSON.stringify(body);
      const server = await start(accounts);
      await store.recordPageAccount('multivac-page-1', 'eu');

      const res = await request(server)
        .post(URL_PATH)
        .set('Content-Type', 'application/json')
        .set('X-PagerDuty-Signature', signatureOf(text, 'us-secret'))
        .send(text);

      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `PagerDuty event ${body.event.id} is signed with a webhook secret of account 'default', but its page was sent to account 'eu'`,
      );
      expect(record).not.toHaveBeenCalled();
    });

    it("records a page of the secret's own account", async () => {
      const body = incidentWebhook('incident.resolved');
      const text = JSON.stringify(body);
      const server = await start(accounts);
      await store.recordPageAccount('multivac-page-1', 'eu');

      const res = await request(server)
        .post(URL_PATH)
        .set('Content-Type', 'application/json')
        .set('X-PagerDuty-Signature', signatureOf(text, 'eu-secret'))
        .send(text);

      expect(res.body).toEqual({ recorded: true });
      expect(record).toHaveBeenCalledTimes(1);
    });

    it('changes no page of unknown account while several accounts are configured', async () => {
      const res = await deliver(
        incidentWebhook('incident.resolved'),
        'eu-secret',
      );

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ recorded: false });
      expect(record).not.toHaveBeenCalled();
    });
  });
});
