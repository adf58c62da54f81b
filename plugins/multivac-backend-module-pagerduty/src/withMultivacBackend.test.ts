import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import multivacPlugin from '@multivac/plugin-multivac-backend';
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

  async function eventually<T>(read: () => T | undefined): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = read();
      if (value !== undefined) {
        return value;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error('timed out');
  }

  it('pages a report through Events API v2 and syncs the webhook acknowledge and resolve into its incident', async () => {
    const backend = await startTestBackend({
      features: [
        multivacPlugin,
        multivacModulePagerDuty,
        catalogServiceMock.factory({
          entities: [
            component({
              'pagerduty.com/service-id': 'PSVC1',
              'pagerduty.com/integration-key': 'PAYMENTS-KEY',
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
                webhookSecrets: ['whsec'],
              },
            },
          },
        }),
      ],
    });
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

      const webhook = async (type: string, secret = 'whsec') => {
        const body = JSON.stringify(
          incidentWebhook(type, { data: { incident_key: page.dedupKey } }),
        );
        return request(server)
          .post('/api/multivac/pagerduty/webhooks')
          .set('Content-Type', 'application/json')
          .set('X-PagerDuty-Signature', signatureOf(body, secret))
          .send(body);
      };
      expect((await webhook('incident.acknowledged', 'wrong')).status).toBe(
        401,
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

      await webhook('incident.resolved');
      expect((await readIncident()).status).toBe('resolved');
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
});
