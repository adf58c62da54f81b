import { Entity } from '@backstage/catalog-model';
import { Alert, PageRecord } from '@multivac/plugin-multivac-common';
import { WorkflowAlertGroup } from '@multivac/plugin-multivac-node';
import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { FakeSlack, FAKE_BOT_USER_ID } from '../__testUtils__/fakeSlack';
import {
  GRACE,
  startSlackBot,
  startTeamSlack,
  teamCatalog,
} from '../__testUtils__/slackBot';
import { alertGroupMessageKey } from './AlertGroupMessages';

const alert = (summary: string): Alert => ({
  id: `a-${summary}`,
  integrationId: 'cron',
  dedupKey: summary,
  status: 'firing',
  summary,
  severity: 'critical',
  urgency: 'high',
  labels: {},
  links: [],
  groupId: 'g-1',
  deliveries: 1,
  createdAt: '2026-12-04T10:00:00Z',
  updatedAt: '2026-12-04T10:00:00Z',
});

const group = (entityRef: string): WorkflowAlertGroup => ({
  id: 'g-1',
  entityRef,
  status: 'firing',
  urgency: 'high',
  alertCount: 1,
  firingCount: 1,
  createdAt: '2026-12-04T10:00:00Z',
  lastAlertAt: '2026-12-04T10:00:00Z',
  alerts: [alert('payments-api answers 5xx')],
});

describe('AlertGroupMessages', () => {
  let fake: FakeSlack;
  beforeEach(async () => {
    fake = await startTeamSlack(['triage']);
  });
  afterEach(() => fake.close());

  async function start(entities: Entity[], triageChannel?: string) {
    const started = await startSlackBot({
      fake,
      entities: [...teamCatalog, ...entities],
      config: { triageChannel },
      workflow: {
        alerts: {
          getGroup: async id =>
            id === 'g-1' ? group('component:default/orphan') : undefined,
        },
      },
    });
    await started.bot.alertGroupMessages.connect(started.workflow);
    return started;
  }

  it("posts a group once in the owner's channel, however often it is delivered", async () => {
    const { bot, store, close } = await start([
      entity('Group', 'payments', {
        annotations: { 'slack.com/channel': fake.channel('triage')!.id },
      }),
      entity('Component', 'payments-api', {
        relations: [['ownedBy', 'group:default/payments']],
      }),
    ]);
    try {
      const change = {
        group: group('component:default/payments-api'),
        change: 'opened' as const,
        deliveryId: 'd-1',
        attempt: 1,
      };
      await bot.alertGroupMessages.onAlertGroupChange(change);
      await bot.alertGroupMessages.onAlertGroupChange({
        ...change,
        attempt: 2,
      });

      const posts = fake
        .messages(fake.channel('triage')!.id)
        .filter(m => m.user === FAKE_BOT_USER_ID);
      expect(posts).toHaveLength(1);
      expect(posts[0].text).toContain('payments-api answers 5xx');
      expect(await store.getMessage(alertGroupMessageKey('g-1'))).toEqual({
        channelId: fake.channel('triage')!.id,
        ts: posts[0].ts,
      });
    } finally {
      await close();
    }
  });

  it('falls back to the triage channel, and posts nowhere without one', async () => {
    const triage = fake.channel('triage')!.id;
    const orphan = [entity('Component', 'orphan')];
    const withTriage = await start(orphan, triage);
    try {
      await withTriage.bot.alertGroupMessages.onAlertGroupChange({
        group: group('component:default/orphan'),
        change: 'opened',
        deliveryId: 'd-1',
        attempt: 1,
      });
      expect(fake.messages(triage)).toHaveLength(1);
    } finally {
      await withTriage.close();
    }

    const without = await start(orphan);
    try {
      await without.bot.alertGroupMessages.onAlertGroupChange({
        group: { ...group('component:default/orphan'), id: 'g-2' },
        change: 'opened',
        deliveryId: 'd-2',
        attempt: 1,
      });
      expect(fake.messages(triage)).toHaveLength(1);
      expect(without.logger.info).toHaveBeenCalledWith(
        'Alert group g-2: no Slack channel for component:default/orphan and no triage channel, not posted',
      );
    } finally {
      await without.close();
    }
  });

  it('posts to the channel the catalog names, and to the triage channel when the bot cannot see that one', async () => {
    const triage = fake.channel('triage')!.id;
    const named = await start(
      [
        entity('Component', 'payments-api', {
          annotations: { 'slack.com/channel': '#triage' },
        }),
      ],
      undefined,
    );
    try {
      await named.bot.alertGroupMessages.onAlertGroupChange({
        group: group('component:default/payments-api'),
        change: 'opened',
        deliveryId: 'd-1',
        attempt: 1,
      });
      expect(fake.messages(triage)).toHaveLength(1);
    } finally {
      await named.close();
    }

    const unknown = await start(
      [
        entity('Component', 'payments-api', {
          annotations: { 'slack.com/channel': 'payments-oncall' },
        }),
      ],
      triage,
    );
    try {
      await unknown.bot.alertGroupMessages.onAlertGroupChange({
        group: { ...group('component:default/payments-api'), id: 'g-2' },
        change: 'opened',
        deliveryId: 'd-2',
        attempt: 1,
      });
      expect(fake.messages(triage)).toHaveLength(2);
      expect(unknown.logger.warn).toHaveBeenCalledWith(
        'Alert group g-2 of component:default/payments-api: No Slack channel named #payments-oncall that Multivac can see; invite @Multivac or use the channel id; posting it to the triage channel',
      );
    } finally {
      await unknown.close();
    }
  });

  it('shows an incident started anywhere on the post, and posts nothing for a group it never posted', async () => {
    const triage = fake.channel('triage')!.id;
    const { bot, close } = await start([entity('Component', 'orphan')], triage);
    try {
      const withIncident = {
        ...group('component:default/orphan'),
        incidentId: 'i-1',
        incidentReference: 'INC-4',
      };
      // A low-urgency group (never posted) becomes an incident: no post.
      await bot.alertGroupMessages.onAlertGroupChange({
        group: withIncident,
        change: 'incident',
        deliveryId: 'd-1',
        attempt: 1,
      });
      expect(fake.messages(triage)).toHaveLength(0);

      await bot.alertGroupMessages.onAlertGroupChange({
        group: group('component:default/orphan'),
        change: 'opened',
        deliveryId: 'd-2',
        attempt: 1,
      });
      await bot.alertGroupMessages.onAlertGroupChange({
        group: withIncident,
        change: 'incident',
        deliveryId: 'd-3',
        attempt: 1,
      });
      const [post, ...more] = fake.messages(triage);
      expect(more).toEqual([]);
      expect(JSON.stringify(post.blocks)).toContain('INC-4');
      expect(JSON.stringify(post.blocks)).not.toContain('Start incident');
      expect(fake.callsTo('chat.update')).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it("updates the post as the group's page moves on, however it was acknowledged", async () => {
    const triage = fake.channel('triage')!.id;
    const { bot, close } = await start([entity('Component', 'orphan')], triage);
    try {
      const page = {
        id: 'p-1',
        status: 'triggered',
        targets: [
          { name: 'Grace Hopper', userRef: 'user:default/grace.hopper' },
        ],
        details: { alertGroup: 'g-1' },
      } as unknown as PageRecord;
      const pageChange = (changed: PageRecord) =>
        bot.alertGroupMessages.onPageChange({
          page: changed,
          change: 'acknowledged',
          deliveryId: 'd-2',
          attempt: 1,
        });
      // Not posted yet: nothing to update.
      await pageChange(page);
      expect(fake.messages(triage)).toHaveLength(0);

      await bot.alertGroupMessages.onAlertGroupChange({
        group: group('component:default/orphan'),
        change: 'opened',
        deliveryId: 'd-1',
        attempt: 1,
      });
      await pageChange({
        ...page,
        status: 'acknowledged',
        acknowledgedBy: 'user:default/grace.hopper',
      });
      const [post] = fake.messages(triage);
      expect(post.text).toContain(`Acknowledged by <@${GRACE}>.`);
      // Pages of anything but an alert group are not its business.
      await pageChange({ ...page, details: {} });
      expect(fake.callsTo('chat.update')).toHaveLength(1);
    } finally {
      await close();
    }
  });
});
