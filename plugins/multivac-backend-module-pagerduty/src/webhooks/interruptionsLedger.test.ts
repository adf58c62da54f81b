import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import multivacPlugin from '@multivac/plugin-multivac-backend';
import { user } from '@multivac/plugin-multivac-node/testUtils';
import request from 'supertest';
import {
  FakePagerDuty,
  startFakePagerDuty,
} from '../__testUtils__/fakePagerDuty';
import {
  component,
  incidentWebhook,
  paymentsAccount,
} from '../__testUtils__/fixtures';
import { multivacModulePagerDuty } from '../module';
import { signatureOf } from './verifySignature';

jest.setTimeout(90_000);

const asAda = {
  Authorization: mockCredentials.user.header('user:default/ada.lovelace'),
};

/** SQLite always; PostgreSQL 15 where the test database is configured. */
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

/**
 * The people PagerDuty notified, from its webhooks into the interruptions
 * ledger of the real multivac backend plugin, against the fake PagerDuty.
 */
describe.each(databases.eachSupportedId())(
  'PagerDuty notifications in the interruptions ledger on %s',
  databaseId => {
    let fake: FakePagerDuty;
    let knex: Awaited<ReturnType<TestDatabases['init']>>;
    let logger: ReturnType<typeof mockServices.logger.mock>;

    beforeEach(async () => {
      const account = paymentsAccount();
      fake = await startFakePagerDuty({
        ...account,
        // Grace has no zone in the catalog: PagerDuty's is used.
        users: account.users!.map(u =>
          u.id === 'PGRACE' ? { ...u, time_zone: 'Europe/London' } : u,
        ),
      });
      knex = await databases.init(databaseId);
      logger = mockServices.logger.mock();
    });
    afterEach(() => fake.close());

    const startBackend = () =>
      startTestBackend({
        features: [
          multivacPlugin,
          multivacModulePagerDuty,
          logger.factory,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({
            entities: [
              component({
                'pagerduty.com/service-id': 'PSVC1',
                'pagerduty.com/integration-key': 'PAYMENTS-KEY',
              }),
              user('ada.lovelace', {
                displayName: 'Ada Lovelace',
                email: 'ada@nimbus.example',
                annotations: { 'multivac.io/timezone': 'Asia/Tokyo' },
              }),
              user('grace.hopper', {
                displayName: 'Grace Hopper',
                email: 'Grace@Nimbus.example',
              }),
              // Alan is in PagerDuty only.
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
                },
              },
            },
          }),
        ],
      });

    async function eventually<T>(
      read: () => T | undefined | Promise<T | undefined>,
    ): Promise<T> {
      for (let i = 0; i < 150; i++) {
        const value = await read();
        if (value !== undefined) {
          return value;
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      throw new Error('timed out');
    }

    /** Resolves once `n` notified events have been through the ledger. */
    const ledgerRuns = (n: number) =>
      eventually(() =>
        logger.info.mock.calls.filter(([message]) =>
          String(message).endsWith('recorded in the interruptions ledger'),
        ).length >= n
          ? true
          : undefined,
      );

    const ledger = async () =>
      (
        await knex('multivac_notifications')
          .select(
            'user_ref',
            'source',
            'page_id',
            'level',
            'entity_ref',
            'time_zone',
          )
          .orderBy(['notified_at', 'id'])
      ).map(row => ({
        ...row,
        level: row.level === null ? null : Number(row.level),
      }));

    const notifiedWebhook = (
      type: string,
      incidentKey: string,
      ...assignees: string[]
    ) => {
      const body = incidentWebhook(type);
      return JSON.stringify(
        incidentWebhook(type, {
          id: body.event.id,
          data: {
            ...body.event.data,
            incident_key: incidentKey,
            assignees: assignees.map(id => ({ id, type: 'user_reference' })),
          },
        }),
      );
    };

    const deliver = (
      server: Parameters<typeof request>[0],
      body: string,
      secret = 'whsec',
    ) =>
      request(server)
        .post('/api/multivac/pagerduty/webhooks')
        .set('Content-Type', 'application/json')
        .set('X-PagerDuty-Signature', signatureOf(body, secret))
        .send(body);

    it('records whom PagerDuty notified of an incident it opened itself, once each, escalations counted, unknown users skipped', async () => {
      const backend = await startBackend();
      const { server } = backend;
      try {
        // A monitoring integration triggered PINC1 straight into PagerDuty.
        const triggered = notifiedWebhook(
          'incident.triggered',
          'datadog-monitor-42',
          'PADA',
          'PALAN',
        );
        expect(
          (await deliver(server, triggered, 'not-the-secret')).status,
        ).toBe(401);
        const first = await deliver(server, triggered);
        expect(first.status).toBe(200);
        expect(first.body).toEqual({ queued: true });
        expect((await deliver(server, triggered)).body).toEqual({
          queued: false,
          duplicate: true,
        });
        await ledgerRuns(1);

        // Nobody acknowledged: PagerDuty escalated to Grace.
        const escalated = await deliver(
          server,
          notifiedWebhook('incident.escalated', 'datadog-monitor-42', 'PGRACE'),
        );
        expect(escalated.body).toEqual({ queued: true });
        await ledgerRuns(2);

        const page = 'pagerduty:default:PINC1';
        expect(await ledger()).toEqual([
          {
            user_ref: 'user:default/ada.lovelace',
            source: 'pagerduty',
            page_id: page,
            level: 1,
            entity_ref: 'component:default/payments-api',
            time_zone: 'Asia/Tokyo',
          },
          {
            user_ref: 'user:default/grace.hopper',
            source: 'pagerduty',
            page_id: page,
            level: null,
            entity_ref: 'component:default/payments-api',
            time_zone: 'Europe/London',
          },
        ]);
        expect(logger.debug).toHaveBeenCalledWith(
          'PagerDuty user PALAN (Alan Turing) has no catalog User with their email: incident.triggered of incident PINC1 not in the interruptions ledger for them',
        );
        expect(logger.error).not.toHaveBeenCalled();

        // The insights figure counts the PagerDuty-only page.
        const interruptions = await request(server)
          .get('/api/multivac/insights/interruptions?period=1d')
          .set(asAda);
        expect(interruptions.status).toBe(200);
        expect(interruptions.body.total.total).toBe(2);
        expect(
          interruptions.body.byPerson
            .map((p: { userRef: string; total: number }) => [
              p.userRef,
              p.total,
            ])
            .sort(),
        ).toEqual([
          ['user:default/ada.lovelace', 1],
          ['user:default/grace.hopper', 1],
        ]);
      } finally {
        await backend.stop();
      }
    });

    it("does not count Multivac's own page again when PagerDuty reports it triggered, and counts its reassignment and responders on it", async () => {
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
        await eventually(() => fake.incidents()[0]);
        const pageId = created.body.id;
        const { dedupKey } = created.body;

        // The incident Multivac opened comes back through the webhooks.
        await deliver(
          server,
          notifiedWebhook('incident.triggered', dedupKey, 'PADA'),
        );
        await ledgerRuns(1);
        expect(await ledger()).toEqual([
          {
            user_ref: 'user:default/ada.lovelace',
            source: 'page',
            page_id: pageId,
            level: 1,
            entity_ref: 'component:default/payments-api',
            time_zone: 'Asia/Tokyo',
          },
        ]);

        // Ada handed it to Grace in PagerDuty.
        await deliver(
          server,
          notifiedWebhook('incident.reassigned', dedupKey, 'PGRACE'),
        );
        await ledgerRuns(2);
        expect((await ledger())[1]).toEqual({
          user_ref: 'user:default/grace.hopper',
          source: 'pagerduty',
          page_id: pageId,
          level: null,
          entity_ref: 'component:default/payments-api',
          time_zone: 'Europe/London',
        });

        // Grace asked Ada to help: the request names only the incident,
        // whose key the job reads; within 60 seconds of Ada's page it is
        // the same interruption.
        const responder = incidentWebhook('incident.responder.added', {
          data: {
            incident: {
              id: fake.incidents()[0].id,
              type: 'incident_reference',
            },
            user: { id: 'PADA', type: 'user_reference' },
            escalation_policy: null,
            message: 'Please help',
            state: 'pending',
            type: 'incident_responder',
          },
        });
        await deliver(server, JSON.stringify(responder));
        await ledgerRuns(3);
        expect((await ledger())[2]).toEqual({
          user_ref: 'user:default/ada.lovelace',
          source: 'pagerduty',
          page_id: pageId,
          level: null,
          entity_ref: 'component:default/payments-api',
          time_zone: 'Asia/Tokyo',
        });

        const interruptions = await request(server)
          .get('/api/multivac/insights/interruptions?period=1d')
          .set(asAda);
        expect(interruptions.body.total.total).toBe(2);
      } finally {
        await backend.stop();
      }
    });
  },
);
