import { PageChange } from '@multivac/plugin-multivac-node';
import { FakeSlack } from '../__testUtils__/fakeSlack';
import {
  GRACE,
  startSlackBot,
  startTeamSlack,
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

  it('pages each person of a built-in page in a direct message, updated as the page moves on', async () => {
    const { bot, close } = await startSlackBot({ fake });
    const messages = bot.pageDirectMessages;

    await messages.onPageChange(change('triggered'));
    const dm = fake.channel(`dm-${GRACE}`)!;
    const [paged] = fake.messages(dm.id);
    expect(paged.text).toMatch(/^:rotating_light: You are paged/);
    expect(JSON.stringify(paged.blocks)).toContain(ACTIONS.acknowledgeReport);

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

  it('leaves the pages of other providers to them', async () => {
    const { bot, close } = await startSlackBot({ fake });

    await bot.pageDirectMessages.onPageChange(
      change('triggered', { provider: 'pagerduty' }),
    );

    expect(fake.callsTo('chat.postMessage')).toEqual([]);
    await close();
  });
});
