import {
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';
import {
  FAKE_BOT_USER_ID,
  FakeSlack,
  startFakeSlack,
} from '../__testUtils__/fakeSlack';
import { startSlackBackend } from '../__testUtils__/slackBackend';
import { localDayAndHour } from './digestConfig';
import { DIGEST_TASK_ID } from './DigestPoster';
import { sharedMultivacDatabase } from '../__testUtils__/sharedMultivacDatabase';

jest.setTimeout(120_000);

const ADA = 'U0ADA';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { 'multivac.io/oncall-schedule': 'payments-primary' },
    },
    spec: {},
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default' },
    spec: {},
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name: 'ada.lovelace',
      namespace: 'default',
      annotations: { 'slack.com/user-id': ADA },
    },
    spec: {
      profile: {
        displayName: 'Ada Lovelace',
        email: 'ada.lovelace@nimbus.example',
      },
    },
  },
];

/** Ada holds Payments primary every day. */
const schedules = [
  {
    id: 'payments-primary',
    name: 'Payments primary',
    timeZone: 'Europe/Berlin',
    layers: [
      {
        name: 'always ada',
        members: ['user:default/ada.lovelace'],
        rotation: { type: 'daily' },
        start: '2026-01-01',
      },
    ],
  },
];

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const describeOnPostgres =
  process.env[POSTGRES_ENV] || process.env.CI ? describe : describe.skip;

describeOnPostgres(
  'the daily digest with two backends on one PostgreSQL',
  () => {
    const databases = TestDatabases.create({
      ids: ['POSTGRES_15'],
      disableDocker: true,
    });
    let fake: FakeSlack;
    let shared: Knex;

    beforeEach(async () => {
      fake = await startFakeSlack({
        users: [
          {
            id: ADA,
            name: 'ada.lovelace',
            email: 'ada.lovelace@nimbus.example',
          },
        ],
        channels: [
          { name: 'ops', members: [FAKE_BOT_USER_ID, ADA] },
          { name: 'team-payments', members: [FAKE_BOT_USER_ID, ADA] },
        ],
      });
      shared = await databases.init('POSTGRES_15');
    });
    afterEach(() => fake.close());

    /**
     * Two replicas of the multivac plugin and the Slack module on `shared`,
     * each with its own scheduler, which runs the digest task only when the
     * test triggers it, and without a lock between replicas: only the claim
     * in the database stands between them and a second post.
     */
    async function startReplicas() {
      const database = sharedMultivacDatabase(shared);
      const replicas = [];
      for (let i = 0; i < 2; i++) {
        // The mock runs tasks when triggered; its type does not show `factory`.
        const scheduler = mockServices.scheduler() as SchedulerService & {
          factory(options: { skipTaskRunOnStartup: boolean }): ServiceFactory;
        };
        const { backend } = await startSlackBackend({
          fake,
          entities,
          multivac: {
            onCall: { schedules },
            slack: {
              digest: {
                channels: [
                  // Hour 0: due all day, so every tick of the test is due.
                  { channel: fake.channel('ops')!.id, hour: 0 },
                  {
                    channel: fake.channel('team-payments')!.id,
                    team: 'payments',
                    hour: 0,
                    timeZone: 'Pacific/Kiritimati',
                  },
                ],
              },
            },
          },
          features: [
            database,
            scheduler.factory({ skipTaskRunOnStartup: true }),
          ],
        });
        replicas.push({ backend, scheduler });
      }
      return replicas;
    }

    it('posts each channel once per local day however often both replicas tick', async () => {
      const replicas = await startReplicas();
      try {
        for (let round = 0; round < 3; round++) {
          await Promise.all(
            replicas.map(r => r.scheduler.triggerTask(DIGEST_TASK_ID)),
          );
        }
        const ops = fake.messages(fake.channel('ops')!.id);
        expect(ops).toHaveLength(1);
        expect(ops[0].text).toMatch(
          /^:newspaper: \*Digest\*: the last 24 hours up to /,
        );
        expect(ops[0].text).toContain('• Payments primary: Ada Lovelace');
        expect(ops[0].text).toContain(
          '<http://portal.example/multivac/digest|The digest in Backstage>',
        );
        const team = fake.messages(fake.channel('team-payments')!.id);
        expect(team).toHaveLength(1);
        expect(team[0].text).toMatch(/^:newspaper: \*Digest for payments\*/);
        expect(team[0].text).toContain(
          '<http://portal.example/multivac/digest?team=group%3Adefault%2Fpayments|The digest in Backstage>',
        );
        expect(fake.callsTo('chat.postMessage')).toHaveLength(2);

        const claims = await shared('multivac_slack_digest_posts')
          .orderBy('local_date')
          .select('channel', 'local_date', 'message_ts');
        const utcDay = localDayAndHour(new Date(), 'UTC').day;
        const kiritimatiDay = localDayAndHour(
          new Date(),
          'Pacific/Kiritimati',
        ).day;
        expect(claims).toEqual(
          expect.arrayContaining([
            {
              channel: fake.channel('ops')!.id,
              local_date: utcDay,
              message_ts: ops[0].ts,
            },
            {
              channel: fake.channel('team-payments')!.id,
              local_date: kiritimatiDay,
              message_ts: team[0].ts,
            },
          ]),
        );
        expect(claims).toHaveLength(2);
      } finally {
        await Promise.all(replicas.map(({ backend }) => backend.stop()));
      }
    });

    it('gives a failed post up so that the next tick, on either replica, posts it', async () => {
      const replicas = await startReplicas();
      try {
        fake.failNext('chat.postMessage', 'channel_not_found');
        await replicas[0].scheduler.triggerTask(DIGEST_TASK_ID);
        // One channel failed and was given up; the other was posted.
        expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
        const posted = () =>
          fake.messages(fake.channel('ops')!.id).length +
          fake.messages(fake.channel('team-payments')!.id).length;
        expect(posted()).toBe(1);
        await Promise.all(
          replicas.map(r => r.scheduler.triggerTask(DIGEST_TASK_ID)),
        );
        expect(posted()).toBe(2);
        expect(fake.callsTo('chat.postMessage')).toHaveLength(3);
      } finally {
        await Promise.all(replicas.map(({ backend }) => backend.stop()));
      }
    });
  },
);
