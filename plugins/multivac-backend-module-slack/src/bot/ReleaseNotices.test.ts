import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  MultivacWorkflow,
  ReleaseChange,
} from '@multivac/plugin-multivac-node';
import { WebClient } from '@slack/web-api';
import {
  FakeSlack,
  FAKE_BOT_USER_ID,
  startFakeSlack,
} from '../__testUtils__/fakeSlack';
import { SlackStore } from '../database/SlackStore';
import { release } from '../messages/__testUtils__/fixtures';
import { ReleaseNotices } from './ReleaseNotices';
import { SlackChannels } from './SlackChannels';

jest.setTimeout(60_000);

const entity = (
  kind: string,
  name: string,
  options: { channel?: string; owner?: string } = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: {
    name,
    namespace: 'default',
    annotations: options.channel
      ? { 'slack.com/channel': options.channel }
      : undefined,
  },
  spec: {},
  relations: options.owner
    ? [{ type: 'ownedBy', targetRef: `group:default/${options.owner}` }]
    : [],
});

const URL = 'http://portal.example/multivac/releases/REL-12';

describe('ReleaseNotices', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
  let fake: FakeSlack;

  beforeEach(async () => {
    fake = await startFakeSlack({
      channels: [
        // The bot has not joined the payments team's public channel yet.
        { name: 'team-payments' },
        { name: 'team-checkout', members: [FAKE_BOT_USER_ID] },
        { name: 'refunds-alerts', members: [FAKE_BOT_USER_ID] },
      ],
    });
  });
  afterEach(() => fake.close());

  async function notices(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const channel = (name: string) => fake.channel(name)!.id;
    const catalog = catalogServiceMock({
      entities: [
        // By name, as people write it: resolved through conversations.list.
        entity('Group', 'payments', { channel: '#team-payments' }),
        // A channel the bot cannot see.
        entity('Group', 'ghosts', { channel: 'payments-oncall' }),
        entity('Component', 'ghost-api', { owner: 'ghosts' }),
        entity('Group', 'checkout', { channel: channel('team-checkout') }),
        entity('Group', 'quiet'),
        entity('Component', 'payments-api', { owner: 'payments' }),
        entity('Component', 'payments-worker', { owner: 'payments' }),
        entity('Component', 'checkout', { owner: 'checkout' }),
        // Its own channel wins over its owner's.
        entity('Component', 'refunds', {
          owner: 'payments',
          channel: channel('refunds-alerts'),
        }),
        entity('Component', 'reports', { owner: 'quiet' }),
      ],
    });
    const workflow = {
      urls: {
        release: (reference: string) =>
          `http://portal.example/multivac/releases/${reference}`,
      },
      releases: { timeZone: 'UTC' },
    } as unknown as MultivacWorkflow;
    const client = new WebClient(fake.botToken, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
    });
    const logger = mockServices.logger.mock();
    const subscriber = new ReleaseNotices({
      client,
      channels: new SlackChannels({ client, cacheTtlMs: 60_000 }),
      store: await SlackStore.create({ getClient: async () => knex }),
      catalog,
      auth: mockServices.auth(),
      logger,
    });
    subscriber.connect(workflow);
    return Object.assign(subscriber, { logger });
  }

  const dependents: ReleaseChange['dependents'] = [
    {
      entityRef: 'component:default/payments-api',
      ownerRef: 'group:default/payments',
      reason: 'payments-api depends on ledger-service',
    },
    {
      entityRef: 'component:default/payments-worker',
      ownerRef: 'group:default/payments',
      reason: 'payments-worker uses the ledger API of ledger-service',
    },
    {
      entityRef: 'component:default/checkout',
      ownerRef: 'group:default/checkout',
      reason:
        'checkout depends on payments-api, which depends on ledger-service',
    },
    {
      entityRef: 'component:default/refunds',
      ownerRef: 'group:default/payments',
      reason: 'refunds depends on ledger-service',
    },
    // No channel anywhere: nobody to tell.
    {
      entityRef: 'component:default/reports',
      ownerRef: 'group:default/quiet',
      reason: 'reports depends on ledger-service',
    },
  ];

  const texts = (channel: string) =>
    fake.messages(fake.channel(channel)!.id).map(m => m.text);

  it.each(databases.eachSupportedId())(
    'posts one heads-up per team channel, once per delivery, on %p',
    async databaseId => {
      const subscriber = await notices(databaseId);
      const change: ReleaseChange = {
        release: release({
          start: '2026-11-24T14:00:00Z',
          end: '2026-11-24T14:30:00Z',
        }),
        change: 'scheduled',
        dependents,
        deliveryId: 'job-1',
        attempt: 1,
      };

      await subscriber.onReleaseChange(change);
      await subscriber.onReleaseChange({ ...change, attempt: 2 });

      expect(texts('team-payments')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^:calendar: Heads up: ledger-service v2\\.4\\.1 releases to production .*14:00–14:30 UTC; payments-api depends on ledger-service; payments-worker uses the ledger API of ledger-service\\. <${URL}\\|REL-12>$`,
          ),
        ),
      ]);
      expect(fake.channel('team-payments')!.members).toContain(
        FAKE_BOT_USER_ID,
      );
      expect(texts('team-checkout')).toEqual([
        expect.stringContaining(
          '; checkout depends on payments-api, which depends on ledger-service.',
        ),
      ]);
      expect(texts('refunds-alerts')).toEqual([
        expect.stringContaining('; refunds depends on ledger-service.'),
      ]);
      expect(
        fake
          .callsTo('chat.postMessage')
          .filter(c => c.status === 200 && c.response.ok),
      ).toHaveLength(3);
      // The name was resolved once, for both deliveries.
      expect(fake.callsTo('conversations.list')).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'logs a team channel name the bot cannot see and tells the other teams, on %p',
    async databaseId => {
      const subscriber = await notices(databaseId);

      await subscriber.onReleaseChange({
        release: release(),
        change: 'scheduled',
        dependents: [
          {
            entityRef: 'component:default/ghost-api',
            ownerRef: 'group:default/ghosts',
            reason: 'ghost-api depends on ledger-service',
          },
          dependents[2],
        ],
        deliveryId: 'job-7',
        attempt: 1,
      });

      expect(subscriber.logger.warn).toHaveBeenCalledWith(
        'No heads-up on REL-12 for component:default/ghost-api: No Slack channel named #payments-oncall that Multivac can see; invite @Multivac or use the channel id',
      );
      expect(texts('team-checkout')).toEqual([
        expect.stringContaining('checkout depends on payments-api'),
      ]);
      expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'tells the same channels when the release starts and when it is rolled back, not of other statuses, on %p',
    async databaseId => {
      const subscriber = await notices(databaseId);
      const change = (
        deliveryId: string,
        kind: ReleaseChange['change'],
        status: 'in_progress' | 'done' | 'rolled_back',
      ): ReleaseChange => ({
        release: release({ status }),
        change: kind,
        dependents: dependents.slice(2, 3),
        deliveryId,
        attempt: 1,
      });

      await subscriber.onReleaseChange(
        change('job-2', 'starting', 'in_progress'),
      );
      await subscriber.onReleaseChange(change('job-3', 'status', 'done'));
      await subscriber.onReleaseChange(
        change('job-4', 'status', 'rolled_back'),
      );

      expect(texts('team-checkout')).toEqual([
        expect.stringMatching(
          /^:rocket: Heads up: ledger-service v2\.4\.1 is releasing to production now \(.*\); checkout depends on/,
        ),
        `:rewind: ledger-service v2.4.1 was rolled back in production; checkout depends on payments-api, which depends on ledger-service. <${URL}|REL-12>`,
      ]);
      expect(texts('team-payments')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'posts nothing when no dependent has a channel, on %p',
    async databaseId => {
      const subscriber = await notices(databaseId);

      await subscriber.onReleaseChange({
        release: release(),
        change: 'scheduled',
        dependents: dependents.slice(4),
        deliveryId: 'job-5',
        attempt: 1,
      });
      await subscriber.onReleaseChange({
        release: release(),
        change: 'scheduled',
        dependents: [],
        deliveryId: 'job-6',
        attempt: 1,
      });

      expect(fake.callsTo('chat.postMessage')).toEqual([]);
    },
  );
});
