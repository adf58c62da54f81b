import {
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  FAKE_BOT_USER_ID,
  FakeSlack,
  startFakeSlack,
} from '../__testUtils__/fakeSlack';
import { startSlackBackend } from '../__testUtils__/slackBackend';
import { createSlackWebClient } from '../slackWebClient';
import { localDayAndHour } from './digestConfig';
import { DIGEST_TASK_ID } from './DigestPoster';
import { sharedMultivacDatabase } from '../__testUtils__/sharedMultivacDatabase';

jest.setTimeout(120_000);

const ADA = 'U0ADA';

describe('digest channels given by name, through the module', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
  let fake: FakeSlack;

  beforeEach(async () => {
    fake = await startFakeSlack({
      users: [{ id: ADA, name: 'ada.lovelace' }],
      channels: [{ name: 'sre-digest', members: [FAKE_BOT_USER_ID, ADA] }],
    });
  });
  afterEach(() => fake.close());

  it.each(databases.eachSupportedId())(
    'posts to the id of a #name once a day however it is listed, and warns about and retries a name Slack does not know yet, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = sharedMultivacDatabase(knex);
      // Runs the digest task only when the test triggers it.
      const scheduler = mockServices.scheduler() as SchedulerService & {
        factory(options: { skipTaskRunOnStartup: boolean }): ServiceFactory;
      };
      const logger = mockServices.rootLogger.mock();
      logger.child.mockReturnValue(logger);
      const sre = fake.channel('sre-digest')!.id;
      const { backend } = await startSlackBackend({
        fake,
        entities: [],
        multivac: {
          slack: {
            channels: { cacheSeconds: 1 },
            digest: {
              channels: [
                // Hour 0: due all day, so every tick of the test is due.
                { channel: '#sre-digest', hour: 0 },
                // The same channel by id: still one digest a day.
                { channel: sre, hour: 0 },
                // Created after the start.
                { channel: 'created-later', hour: 0 },
              ],
            },
          },
        },
        features: [
          database,
          scheduler.factory({ skipTaskRunOnStartup: true }),
          logger.factory,
        ],
      });
      const warnings = () =>
        logger.warn.mock.calls
          .map(([message]) => String(message))
          .filter(message => message.includes('created-later'));
      try {
        await scheduler.triggerTask(DIGEST_TASK_ID);
        const posts = fake.messages(sre);
        expect(posts).toHaveLength(1);
        expect(posts[0].text).toMatch(/^:newspaper: \*Digest\*/);
        expect(
          fake.callsTo('chat.postMessage').map(call => call.args.channel),
        ).toEqual([sre]);
        expect(warnings()).toEqual([
          'multivac.slack.digest.channels[2].channel: No Slack channel named #created-later that Multivac can see; invite @Multivac or use the channel id; will try again',
        ]);
        const day = localDayAndHour(new Date(), 'UTC').day;
        // Claimed by id, as a digest configured by id always was.
        expect(
          await knex('multivac_slack_digest_posts').select(
            'channel',
            'local_date',
            'message_ts',
          ),
        ).toEqual([{ channel: sre, local_date: day, message_ts: posts[0].ts }]);

        const created = await createSlackWebClient(fake.botToken, {
          apiUrl: fake.url,
        }).conversations.create({ name: 'created-later' });
        const later = created.channel!.id!;
        // Within the cache time the name is still unknown: warned again, not claimed.
        await scheduler.triggerTask(DIGEST_TASK_ID);
        expect(fake.messages(later)).toEqual([]);
        expect(warnings()).toHaveLength(2);

        await new Promise(resolve => setTimeout(resolve, 1_100));
        await scheduler.triggerTask(DIGEST_TASK_ID);
        expect(fake.messages(later)).toHaveLength(1);
        expect(fake.messages(sre)).toHaveLength(1);
        expect(warnings()).toHaveLength(2);
        const claimed = await knex('multivac_slack_digest_posts').select(
          'channel',
        );
        expect(claimed.map(row => row.channel).sort()).toEqual(
          [sre, later].sort(),
        );

        // Posted for the day: later ticks leave both channels alone.
        await scheduler.triggerTask(DIGEST_TASK_ID);
        expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
      } finally {
        await backend.stop();
      }
    },
  );
});
