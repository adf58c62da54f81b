import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { FakeSlack, startFakeSlack } from './__testUtils__/fakeSlack';
import { eventually, startSlackBackend } from './__testUtils__/slackBackend';

jest.setTimeout(60_000);

const SCRIPT_TOKEN = 'release-flow-static-token';

const entity = (
  kind: string,
  name: string,
  annotations: Record<string, string> | undefined,
  relations: Entity['relations'],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', annotations },
  spec: {},
  relations,
});

describe('release heads-ups, from the REST route to Slack', () => {
  let fake: FakeSlack;

  beforeEach(async () => {
    fake = await startFakeSlack({ channels: [{ name: 'team-payments' }] });
  });
  afterEach(() => fake.close());

  it('tells the team of a dependent service when a release is booked, and when it is rolled back', async () => {
    const team = fake.channel('team-payments')!.id;
    const { backend } = await startSlackBackend({
      fake,
      entities: [
        entity('Group', 'payments', { 'slack.com/channel': team }, []),
        entity('Group', 'ledger', undefined, []),
        entity('Component', 'payments-api', undefined, [
          { type: 'ownedBy', targetRef: 'group:default/payments' },
          { type: 'dependsOn', targetRef: 'component:default/ledger-service' },
        ]),
        entity('Component', 'ledger-service', undefined, [
          { type: 'ownedBy', targetRef: 'group:default/ledger' },
        ]),
      ],
      multivac: {},
      config: {
        backend: {
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token: SCRIPT_TOKEN, subject: 'ci' },
              },
            ],
          },
        },
      },
    });
    try {
      const booked = await request(backend.server)
        .post('/api/multivac/releases')
        .set('Authorization', `Bearer ${SCRIPT_TOKEN}`)
        .send({
          entityRef: 'ledger-service',
          title: 'v2.4.1',
          environment: 'production',
          start: '2099-11-24T14:00:00Z',
          end: '2099-11-24T14:30:00Z',
        })
        .expect(201);
      const url = `http://portal.example/multivac/releases/${booked.body.reference}`;

      const [headsUp] = await eventually(
        () => fake.messages(team).length > 0 && fake.messages(team),
        'the heads-up in the payments channel',
      );
      expect(headsUp.text).toBe(
        `:calendar: Heads up: ledger-service v2.4.1 releases to production Tue 24 Nov 14:00–14:30 UTC; payments-api depends on ledger-service. <${url}|${booked.body.reference}>`,
      );

      for (const to of ['in_progress', 'rolled_back']) {
        await request(backend.server)
          .post(`/api/multivac/releases/${booked.body.reference}/status`)
          .set('Authorization', `Bearer ${SCRIPT_TOKEN}`)
          .send({ to })
          .expect(200);
      }
      const texts = await eventually(
        () =>
          fake.messages(team).length >= 3 &&
          fake.messages(team).map(m => m.text),
        'the start and the rollback in the payments channel',
      );
      // Two jobs: they may run in either order.
      expect(texts).toHaveLength(3);
      expect(texts.slice(1)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^:rocket: Heads up: ledger-service v2\.4\.1 is releasing to production now/,
          ),
          `:rewind: ledger-service v2.4.1 was rolled back in production; payments-api depends on ledger-service. <${url}|${booked.body.reference}>`,
        ]),
      );
    } finally {
      await backend.stop();
    }
  });
});
