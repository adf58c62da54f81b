import { FakeSlack, FAKE_BOT_USER_ID } from '../__testUtils__/fakeSlack';
import {
  ADA,
  catalogDown,
  GRACE,
  startSlackBot,
  startTeamSlack,
} from '../__testUtils__/slackBot';
import { eventCallback, slashCommand } from '../__testUtils__/slackPayloads';
import { incident } from '../messages/__testUtils__/fixtures';
import { toCommandDelivery, toEventDelivery } from '../transport/deliveries';
import { SlackEventDelivery } from '../transport/types';

describe('SlackCommands', () => {
  let fake: FakeSlack;
  let triage: string;

  beforeEach(async () => {
    fake = await startTeamSlack(['triage', 'inc-7-checkout']);
    triage = fake.channel('triage')!.id;
  });
  afterEach(() => fake.close());

  const command = (text: string, userId: string, channelId = triage) =>
    toCommandDelivery(
      slashCommand({
        text,
        user_id: userId,
        channel_id: channelId,
        trigger_id: `T-${userId}-${text}`,
      }),
    );

  const answersTo = (userId: string, channelId = triage) =>
    fake
      .ephemerals(channelId)
      .filter(e => e.user === userId)
      .map(e => e.text);

  it('runs the slash command as the catalog user behind the Slack user', async () => {
    const { bot, runJobs, close } = await startSlackBot({ fake });

    await bot.inbox.receive(command('help', ADA));
    expect(await runJobs()).toEqual([]);

    expect(answersTo(ADA)).toEqual([
      expect.stringMatching(/^\*What I can do\*/),
    ]);
    await close();
  });

  it('answers a slash command typed in a direct message through its response_url', async () => {
    const { bot, runJobs, close } = await startSlackBot({ fake });
    // A direct message between Ada and Grace: the bot is not in it, and
    // Slack refuses ephemeral messages there.
    const dm = 'D0ADAGRACE';
    const responseUrl = fake.newResponseUrl({ userId: ADA, channelId: dm });

    await bot.inbox.receive(
      toCommandDelivery(
        slashCommand({
          text: 'help',
          user_id: ADA,
          channel_id: dm,
          channel_name: 'directmessage',
          response_url: responseUrl,
        }),
      ),
    );
    expect(await runJobs()).toEqual([]);

    expect(fake.responses()).toEqual([
      expect.objectContaining({
        url: responseUrl,
        status: 200,
        body: {
          response_type: 'ephemeral',
          text: expect.stringMatching(/^\*What I can do\*/),
          replace_original: false,
        },
      }),
    ]);
    expect(fake.callsTo('chat.postEphemeral')).toEqual([]);
    await close();
  });

  it('answers with an ephemeral message when the response_url expired, and logs it once', async () => {
    const { bot, runJobs, logger, close } = await startSlackBot({ fake });
    const responseUrl = fake.newResponseUrl({ userId: ADA, channelId: triage });
    fake.expireResponseUrl(responseUrl);

    await bot.inbox.receive(
      toCommandDelivery(
        slashCommand({
          text: 'dance',
          user_id: ADA,
          channel_id: triage,
          response_url: responseUrl,
        }),
      ),
    );
    expect(await runJobs()).toEqual([]);

    expect(fake.responses().map(r => [r.status, r.error])).toEqual([
      [404, 'expired_url'],
    ]);
    expect(answersTo(ADA)).toEqual([
      "I don't know `dance`. Try `/multivac help`.",
    ]);
    expect(
      logger.warn.mock.calls.filter(([message]) =>
        String(message).includes('response_url'),
      ),
    ).toHaveLength(1);
    await close();
  });

  it('only records a slash command before Slack hears back: the job answers', async () => {
    const { bot, runJobs, enqueued, close } = await startSlackBot({ fake });
    const responseUrl = fake.newResponseUrl({ userId: ADA, channelId: triage });

    const ack = await bot.inbox.receive(
      toCommandDelivery(
        slashCommand({
          text: 'help',
          user_id: ADA,
          channel_id: triage,
          trigger_id: 'T-ack',
          response_url: responseUrl,
        }),
      ),
    );

    // An empty 200, one durable job, and nothing asked of Slack yet.
    expect(ack).toBeUndefined();
    expect(enqueued()).toEqual(['slack.delivery:command:T-ack']);
    expect(fake.calls).toEqual([]);
    expect(fake.responses()).toEqual([]);

    expect(await runJobs()).toEqual([]);
    expect(fake.responses()).toHaveLength(1);
    await close();
  });

  it('tells the user when the catalog does not answer while it looks them up', async () => {
    const { bot, runJobs, close } = await startSlackBot({
      fake,
      catalog: catalogDown(),
    });

    await bot.inbox.receive(command('help', ADA));
    expect(await runJobs()).toEqual([]);

    expect(answersTo(ADA)).toEqual([
      'Sorry, I could not find out who you are in Backstage (the catalog is down), so I did nothing. Try again in a moment.',
    ]);
    await close();
  });

  it("tells the user when Slack's users.info does not answer while it looks them up", async () => {
    const { bot, runJobs, close } = await startSlackBot({ fake });
    fake.failNext('users.info', 'ratelimited');

    await bot.inbox.receive(command('help', GRACE));
    expect(await runJobs()).toEqual([]);

    expect(answersTo(GRACE)).toEqual([
      'Sorry, I could not find out who you are in Backstage (Slack answered `ratelimited`), so I did nothing. Try again in a moment.',
    ]);
    await close();
  });

  it("names the incident's controller in status as a Slack mention, not a ref", async () => {
    const channel = fake.channel('inc-7-checkout')!.id;
    const { bot, store, runJobs, close } = await startSlackBot({
      fake,
      workflow: { incidents: { get: async () => incident() } },
    });
    await store.saveChannel({
      incidentId: incident().id,
      channelId: channel,
      channelName: 'inc-7-checkout',
    });

    await bot.inbox.receive(command('status', ADA, channel));

    expect(await runJobs()).toEqual([]);
    expect(answersTo(ADA, channel)).toEqual([
      expect.stringContaining(`SEV2 | investigating | controller: <@${GRACE}>`),
    ]);
    await close();
  });

  it('tells the user when the incident of the channel cannot be read before the command runs', async () => {
    const channel = fake.channel('inc-7-checkout')!.id;
    const { bot, store, runJobs, close } = await startSlackBot({
      fake,
      workflow: {
        incidents: {
          get: async () => {
            throw new Error('the incident store is down');
          },
        },
      },
    });
    await store.saveChannel({
      incidentId: incident().id,
      channelId: channel,
      channelName: 'inc-7-checkout',
    });

    await bot.inbox.receive(command('status', ADA, channel));

    expect(await runJobs()).toEqual([
      'slack.delivery: the incident store is down',
    ]);
    expect(answersTo(ADA, channel)).toEqual([
      'Sorry, something went wrong: the incident store is down',
    ]);
    await close();
  });

  it('answers a mention it does not understand with ❓ and a hint, and leaves conversation alone', async () => {
    const { bot, runJobs, close } = await startSlackBot({ fake });
    const say = async (text: string, type: string) => {
      const ts = fake.postAs(ADA, triage, text);
      await bot.inbox.receive(
        toEventDelivery(
          eventCallback(
            { type, user: ADA, text, ts, channel: triage },
            { event_id: `Ev-${ts}` },
          ),
        ) as SlackEventDelivery,
      );
      return ts;
    };

    const mention = await say(`<@${FAKE_BOT_USER_ID}> dance`, 'app_mention');
    // a typo: the hint names the command probably meant
    const typo = await say(`<@${FAKE_BOT_USER_ID}> hlep`, 'app_mention');
    // Outside an incident channel, a message is conversation.
    await say('help', 'message');
    expect(await runJobs()).toEqual([]);

    expect(
      fake.callsTo('reactions.add').map(c => [c.args.timestamp, c.args.name]),
    ).toEqual([
      [mention, 'question'],
      [typo, 'question'],
    ]);
    expect(answersTo(ADA)).toEqual([
      "I don't know `dance`. Try `/multivac help`.",
      "I don't know `hlep`. Did you mean `help`? Try `/multivac help`.",
    ]);
    await close();
  });

  it('answers a typo of a command typed in an incident channel with ❓ and a hint, and leaves talk alone', async () => {
    const channel = fake.channel('inc-7-checkout')!.id;
    const { bot, store, runJobs, close } = await startSlackBot({
      fake,
      workflow: { incidents: { get: async () => incident() } },
    });
    await store.saveChannel({
      incidentId: incident().id,
      channelId: channel,
      channelName: 'inc-7-checkout',
    });
    const say = async (text: string) => {
      const ts = fake.postAs(ADA, channel, text);
      await bot.inbox.receive(
        toEventDelivery(
          eventCallback(
            { type: 'message', user: ADA, text, ts, channel },
            { event_id: `Ev-${ts}` },
          ),
        ) as SlackEventDelivery,
      );
      return ts;
    };

    const sevv = await say('sevv 1');
    const stauts = await say('stauts');
    // talk, however close to a command
    for (const talk of [
      'resolved',
      'nope, none yet',
      'see above',
      'set 2 replicas',
      'hell',
    ]) {
      await say(talk);
    }
    expect(await runJobs()).toEqual([]);

    expect(
      fake.callsTo('reactions.add').map(c => [c.args.timestamp, c.args.name]),
    ).toEqual([
      [sevv, 'question'],
      [stauts, 'question'],
    ]);
    expect(answersTo(ADA, channel)).toEqual([
      "I don't know `sevv`. Did you mean `sev`? Try `/multivac help`.",
      "I don't know `stauts`. Did you mean `status`? Try `/multivac help`.",
    ]);
    await close();
  });

  it('keeps a command that ran when Slack refuses its reaction, without an apology', async () => {
    const { bot, runJobs, close } = await startSlackBot({ fake });
    const ts = fake.postAs(ADA, triage, `<@${FAKE_BOT_USER_ID}> help`);
    fake.failNext('reactions.add', 'too_many_reactions');
    await bot.inbox.receive(
      toEventDelivery(
        eventCallback(
          {
            type: 'app_mention',
            user: ADA,
            text: `<@${FAKE_BOT_USER_ID}> help`,
            ts,
            channel: triage,
          },
          { event_id: `Ev-${ts}` },
        ),
      ) as SlackEventDelivery,
    );
    expect(await runJobs()).toEqual([]);
    expect(answersTo(ADA).some(text => text?.startsWith('Sorry'))).toBe(false);
    expect(fake.callsTo('reactions.add')).toHaveLength(1);
    await close();
  });

  it('runs a command given by mentioning the bot once, though Slack delivers it as a message and as a mention', async () => {
    const channel = fake.channel('inc-7-checkout')!.id;
    const notes: string[] = [];
    const { bot, store, runJobs, close } = await startSlackBot({
      fake,
      workflow: {
        incidents: {
          get: async () => incident(),
          addNote: async (_id: string, text: string) => {
            notes.push(text);
            return undefined as never;
          },
        },
      },
    });
    await store.saveChannel({
      incidentId: incident().id,
      channelId: channel,
      channelName: 'inc-7-checkout',
    });
    const text = `<@${FAKE_BOT_USER_ID}> note rolled back v2`;
    const ts = fake.postAs(ADA, channel, text);
    for (const type of ['message', 'app_mention']) {
      await bot.inbox.receive(
        toEventDelivery(
          eventCallback(
            { type, user: ADA, text, ts, channel },
            { event_id: `Ev-${type}-${ts}` },
          ),
        ) as SlackEventDelivery,
      );
    }

    expect(await runJobs()).toEqual([]);
    expect(notes).toEqual(['rolled back v2']);
    await close();
  });
});
