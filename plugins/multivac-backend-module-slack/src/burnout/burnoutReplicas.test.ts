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
import { BURNOUT_NUDGE_TASK_ID } from './BurnoutNudger';
import { sharedMultivacDatabase } from '../__testUtils__/sharedMultivacDatabase';

jest.setTimeout(120_000);

const ADA = 'U0ADA';
const GRACE = 'U0GRACE';
const MARGARET = 'U0MARGARET';

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const ken = 'user:default/ken.thompson';
const linus = 'user:default/linus.torvalds';
const margaret = 'user:default/margaret.hamilton';

const person = (ref: string, displayName: string, slackId?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: {
    name: ref.split('/')[1],
    namespace: 'default',
    ...(slackId && { annotations: { 'slack.com/user-id': slackId } }),
  },
  spec: { profile: { displayName } },
});

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
    kind: 'Group',
    metadata: {
      name: 'platform',
      namespace: 'default',
      annotations: {
        'multivac.io/oncall-schedule': 'platform',
        'multivac.io/team-lead': 'margaret.hamilton',
      },
    },
    spec: {},
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'search',
      namespace: 'default',
      annotations: {
        'multivac.io/oncall-schedule': 'search',
        'multivac.io/team-lead': 'ada.lovelace',
      },
    },
    spec: {},
  },
  person(ada, 'Ada Lovelace', ADA),
  person(grace, 'Grace Hopper', GRACE),
  person(ken, 'Ken Thompson'),
  person(linus, 'Linus Torvalds'),
  person(margaret, 'Margaret Hamilton', MARGARET),
];

/** One person always on call on each schedule, all in UTC. */
const always = (id: string, member: string) => ({
  id,
  name: id,
  timeZone: 'UTC',
  layers: [
    {
      name: 'always',
      members: [member],
      rotation: { type: 'daily' },
      start: '2026-01-01',
    },
  ],
});
const schedules = [
  always('payments-primary', grace),
  always('platform', linus),
  always('search', ken),
];

const HOUR_MS = 3_600_000;

/** The UTC night (22:00–08:00) that ended last before `now`. */
function lastNight(now: Date): { start: Date; night: string } {
  const morning = new Date(now);
  morning.setUTCHours(8, 0, 0, 0);
  if (morning.getTime() > now.getTime()) {
    morning.setUTCDate(morning.getUTCDate() - 1);
  }
  const start = new Date(morning.getTime() - 10 * HOUR_MS);
  return { start, night: start.toISOString().slice(0, 10) };
}

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const describeOnPostgres =
  process.env[POSTGRES_ENV] || process.env.CI ? describe : describe.skip;

describeOnPostgres(
  'the burnout nudge with two backends on one PostgreSQL',
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
          { id: ADA, name: 'ada.lovelace' },
          { id: GRACE, name: 'grace.hopper' },
          { id: MARGARET, name: 'margaret.hamilton' },
        ],
        channels: [{ name: 'ops', members: [FAKE_BOT_USER_ID, ADA] }],
      });
      shared = await databases.init('POSTGRES_15');
    });
    afterEach(() => fake.close());

    /**
     * Two replicas on `shared`, each with its own scheduler that runs the
     * nudge task only when the test triggers it, and no lock between them:
     * only the claim in the database stands between them and a second DM.
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
            insights: { teamLeads: { payments: 'ada.lovelace' } },
            // Hour 0: due as soon as the night has ended.
            slack: { burnoutNudge: { enabled: true, hour: 0 } },
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

    /** Pages (as the ledger records them) at these hours after 22:00 UTC. */
    async function page(userRef: string, start: Date, hours: number[]) {
      await shared('multivac_notifications').insert(
        hours.map((h, i) => {
          const at = new Date(start.getTime() + h * HOUR_MS);
          return {
            user_ref: userRef,
            notified_at: at.toISOString(),
            source: 'page',
            page_id: `${userRef}-${start.toISOString()}-${i}`,
            level: 1,
            entity_ref: 'component:default/payments-api',
            time_zone: 'UTC',
            local_weekday: ((at.getUTCDay() + 6) % 7) + 1,
            local_hour: at.getUTCHours(),
            band: 'sleep',
          };
        }),
      );
    }

    it('tells each lead once per bad night however often both replicas tick', async () => {
      const replicas = await startReplicas();
      try {
        const { start, night } = lastNight(new Date());
        await page(grace, start, [1, 3.5, 5]); // 23:00, 01:30, 03:00: bad.
        await page(linus, start, [2, 4]); // 00:00, 02:00: bad.
        await page(ken, start, [2]); // One page: no nudge.

        for (let round = 0; round < 3; round++) {
          await Promise.all(
            replicas.map(r => r.scheduler.triggerTask(BURNOUT_NUDGE_TASK_ID)),
          );
        }

        const toAda = fake.messages(fake.channel(`dm-${ADA}`)!.id);
        expect(toAda).toHaveLength(1);
        expect(toAda[0].text).toBe(
          `:zzz: <@${GRACE}> was woken 3 times last night (23:00, 01:30 and 03:00, UTC time) by payments-api pages, on call for payments-primary.\n` +
            'Nobody else is on payments-primary to cover tonight.',
        );
        const toMargaret = fake.messages(fake.channel(`dm-${MARGARET}`)!.id);
        expect(toMargaret).toHaveLength(1);
        expect(toMargaret[0].text).toMatch(
          /^:zzz: Linus Torvalds was woken twice last night \(00:00 and 02:00, UTC time\)/,
        );
        expect(fake.callsTo('chat.postMessage')).toHaveLength(2);

        const claims = await shared('multivac_slack_burnout_nudges')
          .orderBy('user_ref')
          .select('user_ref', 'night', 'lead_ref', 'outcome', 'message_ts');
        expect(claims).toEqual([
          {
            user_ref: grace,
            night,
            lead_ref: ada,
            outcome: 'sent',
            message_ts: toAda[0].ts,
          },
          {
            user_ref: linus,
            night,
            lead_ref: margaret,
            outcome: 'sent',
            message_ts: toMargaret[0].ts,
          },
        ]);
      } finally {
        await Promise.all(replicas.map(({ backend }) => backend.stop()));
      }
    });

    it('gives a failed DM up so that the next tick, on either replica, sends it', async () => {
      const replicas = await startReplicas();
      try {
        const { start } = lastNight(new Date());
        await page(grace, start, [1, 3]);
        fake.failNext('chat.postMessage', 'ratelimited');
        await replicas[0].scheduler.triggerTask(BURNOUT_NUDGE_TASK_ID);
        expect(fake.channel(`dm-${ADA}`)).toBeDefined();
        expect(fake.messages(fake.channel(`dm-${ADA}`)!.id)).toHaveLength(0);
        await Promise.all(
          replicas.map(r => r.scheduler.triggerTask(BURNOUT_NUDGE_TASK_ID)),
        );
        expect(fake.messages(fake.channel(`dm-${ADA}`)!.id)).toHaveLength(1);
        expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
      } finally {
        await Promise.all(replicas.map(({ backend }) => backend.stop()));
      }
    });
  },
);
