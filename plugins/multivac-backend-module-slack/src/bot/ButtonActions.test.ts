import { FakeSlack } from '../__testUtils__/fakeSlack';
import {
  GRACE,
  KEN,
  startSlackBot,
  startTeamSlack,
} from '../__testUtils__/slackBot';
import { blockActions } from '../__testUtils__/slackPayloads';
import { ACTIONS } from '../messages';
import { page } from '../messages/__testUtils__/fixtures';
import { toInteractionDelivery } from '../transport/deliveries';
import { SlackInteractionDelivery } from '../transport/types';

describe('ButtonActions', () => {
  let fake: FakeSlack;
  let triage: string;

  beforeEach(async () => {
    fake = await startTeamSlack(['triage']);
    triage = fake.channel('triage')!.id;
  });
  afterEach(() => fake.close());

  /** The bot, and who acknowledged which page through it. */
  async function bot() {
    const acknowledged: string[] = [];
    const started = await startSlackBot({
      fake,
      denied: ['user:default/ken.thompson'],
      workflow: {
        onCall: {
          acknowledge: async (pageId: string, actor: string) => {
            acknowledged.push(`${pageId} by ${actor}`);
            return page({ status: 'acknowledged' });
          },
        },
      },
    });
    return { ...started, acknowledged };
  }

  const click = (userId: string, responseUrl?: string) =>
    toInteractionDelivery(
      blockActions({
        ...(responseUrl && { response_url: responseUrl }),
        user: { id: userId },
        channel: { id: triage },
        container: { type: 'message', channel_id: triage },
        trigger_id: `T-${userId}`,
        actions: [
          {
            type: 'button',
            action_id: ACTIONS.acknowledgeReport,
            block_id: 'actions',
            value: 'page-1',
            action_ts: '1.1',
          },
        ],
      }),
    ) as SlackInteractionDelivery;

  const answersTo = (userId: string) =>
    fake
      .ephemerals(triage)
      .filter(e => e.user === userId)
      .map(e => e.text);

  it('runs a button as the catalog user who clicked, when the policy allows them', async () => {
    const { bot: slackBot, runJobs, acknowledged, close } = await bot();

    await slackBot.inbox.receive(click(GRACE));
    await slackBot.inbox.receive(click(KEN));
    expect(await runJobs()).toEqual([]);

    expect(acknowledged).toEqual(['page-1 by user:default/grace.hopper']);
    expect(answersTo(GRACE)).toEqual([]);
    expect(answersTo(KEN)).toEqual([
      'Sorry, you are not allowed to multivac.page.acknowledge.',
    ]);
    await close();
  });

  it('answers who clicked through the response_url of the click, as a new ephemeral message', async () => {
    const { bot: slackBot, runJobs, close } = await bot();
    const responseUrl = fake.newResponseUrl({
      userId: KEN,
      channelId: triage,
      kind: 'actions',
    });

    await slackBot.inbox.receive(click(KEN, responseUrl));
    expect(await runJobs()).toEqual([]);

    expect(fake.responses()).toEqual([
      expect.objectContaining({
        url: responseUrl,
        status: 200,
        body: {
          response_type: 'ephemeral',
          text: 'Sorry, you are not allowed to multivac.page.acknowledge.',
          // The clicked message stays as it is.
          replace_original: false,
        },
      }),
    ]);
    expect(answersTo(KEN)).toEqual([]);
    await close();
  });

  it("tells who clicked when Slack's users.info does not answer while it looks them up", async () => {
    const { bot: slackBot, runJobs, acknowledged, close } = await bot();
    fake.failNext('users.info', 'fatal_error');

    await slackBot.inbox.receive(click(GRACE));
    expect(await runJobs()).toEqual([]);

    expect(acknowledged).toEqual([]);
    expect(answersTo(GRACE)).toEqual([
      'Sorry, I could not find out who you are in Backstage (Slack answered `fatal_error`), so I did nothing. Try again in a moment.',
    ]);
    await close();
  });
});
