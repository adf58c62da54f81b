import { PageChange, PagingDelivery } from '@multivac/plugin-multivac-node';
import { FakeSlack } from '../__testUtils__/fakeSlack';
import { user } from '@multivac/plugin-multivac-node/testUtils';
import {
  GRACE,
  KEN,
  startSlackBot,
  startTeamSlack,
  teamCatalog,
} from '../__testUtils__/slackBot';
import { ACTIONS } from '../messages';
import { page } from '../messages/__testUtils__/fixtures';

describe('PageDirectMessages', () => {
  let fake: FakeSlack;

  beforeEach(async () => {
    fake = await startTeamSlack();
  });
  afterEach(() => fake.close());

  const change = (
    kind: PageChange['change'],
    overrides: Parameters<typeof page>[0] = {},
  ): PageChange => ({
    page: page(overrides),
    change: kind,
    deliveryId: `job-${kind}`,
    attempt: 1,
  });
  const delivery = (person = page().targets[0]): PagingDelivery => ({
    page: page(),
    person,
    acknowledgeUrl: 'http://localhost/ack',
    deliveryId: 'delivery-1',
  });

  it('is the slack paging channel: pages a person in a direct message, updated as the page moves on', async () => {
    const { bot, close } = await startSlackBot({ fake });
    const messages = bot.pageDirectMessages;
    expect(messages.id).toBe('slack');

    // a new page is the channel's to send, not the subscriber's
    await messages.onPageChange(change('triggered'));
    expect(fake.callsTo('chat.postMessage')).toEqual([]);

    await expect(messages.deliver(delivery())).resolves.toEqual({
      status: 'delivered',
      detail: 'direct message in Slack',
    });
    const dm = fake.channel(`dm-${GRACE}`)!;
    const [paged] = fake.messages(dm.id);
    expect(paged.text).toMatch(/^:rotating_light: You are paged/);
    expect(JSON.stringify(paged.blocks)).toContain(ACTIONS.acknowledgeReport);

    // a retried delivery keeps the one message
    await messages.deliver(delivery());
    expect(fake.messages(dm.id)).toHaveLength(1);

    await messages.onPageChange(
      change('acknowledged', {
        status: 'acknowledged',
        acknowledgedBy: 'Grace Hopper',
      }),
    );
    expect(fake.messages(dm.id)).toEqual([
      expect.objectContaining({
        ts: paged.ts,
        text: 'Page "SEV2 payments-api: Checkout fails" is acknowledged by Grace Hopper.',
      }),
    ]);
    await close();
  });

  it('says who acknowledged by mention, or by display name without a Slack user', async () => {
    const { bot, close } = await startSlackBot({
      fake,
      entities: [
        ...teamCatalog,
        user('alan.turing', { displayName: 'Alan Turing' }),
      ],
    });
    const messages = bot.pageDirectMessages;
    await messages.deliver(delivery());
    const dm = fake.channel(`dm-${GRACE}`)!;

    await messages.onPageChange(
      change('acknowledged', {
        status: 'acknowledged',
        acknowledgedBy: 'user:default/alan.turing',
      }),
    );
    expect(fake.messages(dm.id)[0].text).toBe(
      'Page "SEV2 payments-api: Checkout fails" is acknowledged by Alan Turing.',
    );

    await messages.onPageChange(
      change('resolved', {
        status: 'resolved',
        acknowledgedBy: 'user:default/ken.thompson',
      }),
    );
    expect(fake.messages(dm.id)[0].text).toBe(
      `Page "SEV2 payments-api: Checkout fails" is resolved by <@${KEN}>.`,
    );
    await close();
  });

  it('fails a delivery to someone without a Slack user, so the next channel is tried', async () => {
    const { bot, close } = await startSlackBot({ fake });

    await expect(
      bot.pageDirectMessages.deliver(
        delivery({ name: 'Nobody', userRef: 'user:default/nobody' }),
      ),
    ).resolves.toEqual({
      status: 'failed',
      error:
        'Nobody has no Slack user (slack.com/user-id, or a Slack account with their email)',
    });
    expect(fake.callsTo('chat.postMessage')).toEqual([]);
    await close();
  });

  it('leaves the pages of other providers to them', async () => {
    const { bot, close } = await startSlackBot({ fake });
    await bot.pageDirectMessages.deliver(delivery());

    await bot.pageDirectMessages.onPageChange(
      change('acknowledged', { provider: 'pagerduty', status: 'acknowledged' }),
    );

    expect(fake.callsTo('chat.update')).toEqual([]);
    await close();
  });
});
