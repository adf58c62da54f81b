import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { asAda, catalog, schedules } from '../__testUtils__/testBackend';
import { multivacPlugin } from '../plugin';
import alertmanagerFixture from './__fixtures__/alertmanager.json';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const SECRET = 'test-secret-0123456789';

describe.each(databases.eachSupportedId())(
  'two backends on one %s database',
  id => {
    it('receiving the same deliveries make one alert and one page', async () => {
      const knex = await databases.init(id);
      const startReplica = () =>
        startTestBackend({
          features: [
            multivacPlugin,
            catalogServiceMock.factory({ entities: catalog }),
            mockServices.database.factory({ knex }),
            mockServices.rootConfig.factory({
              data: {
                multivac: {
                  onCall: { schedules },
                  jobs: { pollIntervalSeconds: 0.1 },
                  alerts: {
                    integrations: [
                      {
                        id: 'prom',
                        name: 'Prometheus',
                        vendor: 'alertmanager',
                        secrets: [SECRET],
                      },
                    ],
                  },
                },
              },
            }),
          ],
        });
      const one = await startReplica();
      const two = await startReplica();
      // Alertmanager in HA sends each notification from every instance.
      const sends = [];
      for (let i = 0; i < 5; i++) {
        for (const { server } of [one, two]) {
          sends.push(
            request(server)
              .post('/api/multivac/alerts/integrations/prom')
              .set('Authorization', `Bearer ${SECRET}`)
              .send(alertmanagerFixture)
              .then(res => res.status),
          );
        }
      }
      expect(await Promise.all(sends)).toEqual(Array(10).fill(202));

      const deadline = Date.now() + 30_000;
      let body: any;
      let group: any;
      do {
        await new Promise(r => setTimeout(r, 200));
        body = (
          await request(two.server).get('/api/multivac/alerts').set(asAda)
        ).body;
        const groupId = body.items?.[0]?.groupId;
        group =
          groupId &&
          (
            await request(one.server)
              .get(`/api/multivac/alerts/groups/${groupId}`)
              .set(asAda)
          ).body;
      } while (
        !(body.items?.[0]?.deliveries === 10 && group?.pageId) &&
        Date.now() < deadline
      );
      expect(body).toMatchObject({
        totalCount: 1,
        items: [
          { deliveries: 10, entityRef: 'component:default/payments-api' },
        ],
      });
      expect(group.pageId).toBeDefined();
      const pages = await request(one.server)
        .get('/api/multivac/pages?entityRef=component:default/payments-api')
        .set(asAda);
      expect(pages.body.items).toHaveLength(1);
      await one.stop();
      await two.stop();
    });
  },
);
