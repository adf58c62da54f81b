import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import multivacPlugin from '@multivac/plugin-multivac-backend';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import request from 'supertest';
import {
  FakePagerDuty,
  startFakePagerDuty,
} from './__testUtils__/fakePagerDuty';
import {
  component,
  incidentWebhook,
  paymentsAccount,
} from './__testUtils__/fixtures';
import { multivacModulePagerDuty } from './module';
import { signatureOf } from './webhooks/verifySignature';

jest.setTimeout(60_000);

const asAda = {
  Authorization: mockCredentials.user.header('user:default/ada.lovelace'),
};

/** The module inside the real multivac backend plugin, against the fake. */
describe('PagerDuty with the multivac backend', () => {
  let fake: FakePagerDuty;

  beforeEach(async () => {
    fake = await startFakePagerDuty(paymentsAccount());
  });
  afterEach(() => fake.close());

  async function eventually<T>(
    read: () => T | undefined | Promise<T | undefined>,
  ): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = await read();
      if (value !== undefined) {
        return value;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error('timed out');
  }

  const startBackend = () =>
    startTestBackend({
      features: [
        multivacPlugin,
        multivacModulePagerDuty,
        catalogServiceMock.factory({
          entities: [
            {
              ...component({
                'pagerduty.com/service-id': 'PSVC1',
                'pagerduty.com/integration-key': 'PAYMENTS-KEY',
              }),
              relations: [
                { type: 'ownedBy', targetRef: 'group:default/payments' },
              ],
            },
            entity('Component', 'checkout', {
              annotations: { 'pagerduty.com/integration-key': 'CHECKOUT-KEY' },
              relations: [['dependsOn', 'component:default/payments-api']],
            }),
            user('ada.lovelace', {
              displayName: 'Ada Lovelace',
              email: 'ada@nimbus.example',
            }),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.example' },
            multivac: {
              jobs: { pollIntervalSeconds: 0.1 },
              pagerDuty: {
                apiToken: 'us-token',
                apiBaseUrl: fake.url,
                eventsBaseUrl: fake.url,
                fromEmail: 'grace@nimbus.example',
                webhookSecrets: ['whsec'],
                // A second account: its secret must not change the first's pages.
                accounts: [
                  {
                    id: 'eu',
                    apiToken: 'eu-token',
                    apiBaseUrl: fake.url,
                    eventsBaseUrl: fake.url,
                    webhookSecrets: ['eu-whsec'],
                  },
                ],
              },
            },
          },
        }),
      ],
    });

  it('pages a report through Events API v2 and syncs the webhook acknowledge and resolve into its incident', async () => {
    const backend = await startBackend();
    const { server } = backend;
    try {
      const report = await request(server)
        .post('/api/multivac/reports')
        .set(asAda)
        .send({
          title: 'Card payments fail',
          entityRef: 'payments-api',
          usersAffected: 'thousands',
          scope: 'global',
          customerFacing: true,
        });
      expect(report.status).toBe(201);
      const [page] = report.body.pages;
      expect(page).toMatchObject({ provider: 'pagerduty', urgency: 'high' });

      const event = await eventually(() => fake.events()[0]);
      expect(event).toMatchObject({
        routing_key: 'PAYMENTS-KEY',
        event_action: 'trigger',
        dedup_key: page.dedupKey,
        payload: { summary: 'SEV1 payments-api: Card payments fail' },
      });

      const incident = await request(server)
        .post('/api/multivac/reports/RPT-1/incident')
        .set(asAda)
        .send({});
      expect(incident.status).toBe(201);

      const deliver = (body: string, secret = 'whsec') =>
        request(server)
          .post('/api/multivac/pagerduty/webhooks')
          .set('Content-Type', 'application/json')
          .set('X-PagerDuty-Signature', signatureOf(body, secret))
          .send(body);
      const eventBody = (type: string) =>
        JSON.stringify(
          incidentWebhook(type, { data: { incident_key: page.dedupKey } }),
        );
      const webhook = (type: string, secret = 'whsec') =>
        deliver(eventBody(type), secret);
      expect((await webhook('incident.acknowledged', 'wrong')).status).toBe(
        401,
      );
      expect((await webhook('incident.acknowledged', 'eu-whsec')).status).toBe(
        403,
      );
      const acknowledged = await webhook('incident.acknowledged');
      expect(acknowledged.status).toBe(200);
      expect(acknowledged.body).toEqual({ recorded: true });
      const readIncident = async () =>
        (
          await request(server)
            .get(`/api/multivac/incidents/${incident.body.id}`)
            .set(asAda)
        ).body;
      expect((await readIncident()).status).toBe('acknowledged');

      const resolved = eventBody('incident.resolved');
      await deliver(resolved);
      expect((await readIncident()).status).toBe('resolved');

      // Reopened in the portal, a replay of the signed resolution (the very
      // same bytes and signature) does not resolve it again.
      const reopened = await request(server)
        .post(`/api/multivac/incidents/${incident.body.id}/transitions`)
        .set(asAda)
        .send({ to: 'investigating', note: 'not fixed after all' });
      expect(reopened.status).toBe(200);
      const replayed = await deliver(resolved);
      expect(replayed.status).toBe(200);
      expect(replayed.body).toEqual({ recorded: false, duplicate: true });
      expect((await readIncident()).status).toBe('investigating');
      const pageNow = await request(server)
        .get(`/api/multivac/pages/${page.id}`)
        .set(asAda);
      expect(pageNow.body).toMatchObject({
        status: 'resolved',
        acknowledgedBy: 'Ada Lovelace in PagerDuty',
      });
    } finally {
      await backend.stop();
    }
  });

  it('pages one person as a PagerDuty incident assigned to them, and acknowledges it there', async () => {
    const backend = await startBackend();
    const { server } = backend;
    try {
      const created = await request(server)
        .post('/api/multivac/pages')
        .set(asAda)
        .send({
          userRef: 'ada.lovelace',
          entityRef: 'payments-api',
          summary: 'Ledger lag on payments-api',
        });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        provider: 'pagerduty',
        resolvedFrom: 'user:default/ada.lovelace',
        delivery: 'sending to pagerduty',
      });

      const incident = await eventually(() => fake.incidents()[0]);
      expect(incident).toMatchObject({
        title: 'Ledger lag on payments-api',
        incident_key: created.body.dedupKey,
        service: { id: 'PSVC1' },
        assignments: [{ assignee: { id: 'PADA', type: 'user_reference' } }],
      });
      const readPage = async () =>
        (
          await request(server)
            .get(`/api/multivac/pages/${created.body.id}`)
            .set(asAda)
        ).body;
      await eventually(async () =>
        (await readPage()).delivery.startsWith('PagerDuty incident')
          ? true
          : undefined,
      );
      expect((await readPage()).delivery).toBe(
        'PagerDuty incident 1 assigned to Ada Lovelace',
      );

      await request(server)
        .post(`/api/multivac/pages/${created.body.id}/acknowledge`)
        .set(asAda)
        .expect(200);
      await eventually(() =>
        fake.incidents()[0].status === 'acknowledged' ? true : undefined,
      );
    } finally {
      await backend.stop();
    }
  });

  it('sends a change event to the released entity and its dependents when a release starts', async () => {
    const backend = await startBackend();
    const { server } = backend;
    try {
      const booked = await request(server)
        .post('/api/multivac/releases')
        .set(asAda)
        .send({
          entityRef: 'payments-api',
          title: 'v2.4.1',
          environment: 'production',
          start: '2030-11-24T14:00:00Z',
          end: '2030-11-24T14:30:00Z',
          links: [{ kind: 'ci', url: 'https://ci.example.com/runs/7' }],
        });
      expect(booked.status).toBe(201);

      const started = await request(server)
        .post(`/api/multivac/releases/${booked.body.id}/status`)
        .set(asAda)
        .send({ to: 'in_progress' });
      expect(started.status).toBe(200);

      const events = await eventually(() =>
        fake.changeEvents().length >= 2 ? fake.changeEvents() : undefined,
      );
      const payload = {
        summary:
          'Release payments-api v2.4.1 to production started (14:00–14:30 UTC)',
        timestamp: started.body.history[1].at,
        source: 'component:default/payments-api',
        custom_details: expect.objectContaining({
          release: 'REL-1',
          status: 'in_progress',
          owner: 'group:default/payments',
          dependents: ['checkout depends on payments-api'],
        }),
      };
      const links = [
        {
          href: 'http://portal.example/multivac/releases/REL-1',
          text: 'REL-1 in Multivac',
        },
        { href: 'https://ci.example.com/runs/7', text: 'CI run' },
      ];
      // Booking sent none: onScheduled is off by default. The two are sent
      // at the same time, so they may arrive in either order.
      expect(events).toHaveLength(2);
      expect(events).toEqual(
        expect.arrayContaining([
          { routing_key: 'PAYMENTS-KEY', payload, links },
          { routing_key: 'CHECKOUT-KEY', payload, links },
        ]),
      );
      expect(fake.events()).toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});
