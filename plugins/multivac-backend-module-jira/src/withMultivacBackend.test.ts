import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import multivacPlugin from '@multivac/plugin-multivac-backend';
import { user } from '@multivac/plugin-multivac-node/testUtils';
import request from 'supertest';
import { FakeJira, startFakeJira } from './__testUtils__/fakeJira';
import {
  CLOUD_API_TOKEN,
  CLOUD_EMAIL,
  component,
  nimbusSite,
} from './__testUtils__/fixtures';
import { validateAdf } from './__testUtils__/validateAdf';
import { multivacModuleJira } from './module';

jest.setTimeout(60_000);

const asAda = {
  Authorization: mockCredentials.user.header('user:default/ada.lovelace'),
};

/** The module inside the real multivac backend plugin, against the fake. */
describe('Jira with the multivac backend', () => {
  let fake: FakeJira;

  beforeEach(async () => {
    fake = await startFakeJira(nimbusSite('cloud'));
  });
  afterEach(() => fake.close());

  async function eventually<T>(
    read: () => Promise<T | undefined>,
    what: string,
  ): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = await read();
      if (value !== undefined) {
        return value;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error(`Timed out waiting for ${what}`);
  }

  it('files the post-mortem and its action items in Jira, retrying through an outage', async () => {
    const backend = await startTestBackend({
      features: [
        multivacPlugin,
        multivacModuleJira,
        catalogServiceMock.factory({
          entities: [
            component('payments-api', { 'jira/project-key': 'PAY' }),
            user('ada.lovelace', { email: 'ada@nimbus.example' }),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.example' },
            multivac: {
              jobs: {
                pollIntervalSeconds: 0.1,
                initialBackoffSeconds: 0.2,
              },
              jira: {
                baseUrl: fake.url,
                email: CLOUD_EMAIL,
                apiToken: CLOUD_API_TOKEN,
              },
            },
          },
        }),
      ],
    });
    const { server } = backend;
    try {
      const incident = await request(server)
        .post('/api/multivac/incidents')
        .set(asAda)
        .send({
          title: 'Card payments fail',
          severity: 'SEV2',
          entityRefs: ['payments-api'],
        })
        .expect(201);
      await request(server)
        .post(`/api/multivac/incidents/${incident.body.id}/transitions`)
        .set(asAda)
        .send({ to: 'resolved' })
        .expect(200);

      // Jira is down for the first attempt to file the issue.
      fake.failNext(1, 500, { path: '/rest/api/3/issue' });
      const created = await request(server)
        .post(`/api/multivac/incidents/${incident.body.id}/postmortem`)
        .set(asAda)
        .send({})
        .expect(201);
      expect(created.body.tracking).toMatchObject({ state: 'pending' });
      const read = async () =>
        (
          await request(server)
            .get(`/api/multivac/postmortems/${created.body.id}`)
            .set(asAda)
        ).body;

      const failed = await eventually(async () => {
        const { tracking } = await read();
        return tracking.state === 'failed' ? tracking : undefined;
      }, 'the failed attempt shown on the post-mortem');
      expect(failed.error).toContain('500');
      const done = await eventually(async () => {
        const { tracking } = await read();
        return tracking.state === 'done' ? tracking : undefined;
      }, 'the issue filed on retry');
      expect(done).toMatchObject({
        key: 'PAY-1',
        url: `${fake.url}/browse/PAY-1`,
      });
      const [issue] = fake.issues();
      expect(fake.issues()).toHaveLength(1);
      expect(issue.fields.project.key).toBe('PAY');
      expect(validateAdf(issue.fields.description)).toEqual([]);
      expect(JSON.stringify(issue.fields.description)).toContain(
        'Card payments fail',
      );

      const item = await request(server)
        .post(`/api/multivac/postmortems/${created.body.id}/action-items`)
        .set(asAda)
        .send({ title: 'Alert on card declines', ownerRef: 'ada.lovelace' })
        .expect(201);
      const tracked = await eventually(async () => {
        const { actionItems } = await read();
        const found = actionItems.find((i: any) => i.id === item.body.id);
        return found?.tracking?.state === 'done' ? found.tracking : undefined;
      }, "the action item's issue");
      expect(tracked.key).toBe('PAY-2');
      expect(fake.links()).toEqual([
        { type: 'Relates', inwardKey: 'PAY-1', outwardKey: 'PAY-2' },
      ]);
    } finally {
      await backend.stop();
    }
  });
});
