import { mockServices } from '@backstage/backend-test-utils';
import { WebClient } from '@slack/web-api';
import { FakeSlack } from '../__testUtils__/fakeSlack';
import { ADA, startTeamSlack } from '../__testUtils__/slackBot';
import { ResponseUrls } from './ResponseUrls';
import { SlackAnswers } from './SlackAnswers';

describe('SlackAnswers', () => {
  let fake: FakeSlack;
  let triage: string;

  beforeEach(async () => {
    fake = await startTeamSlack(['triage']);
    triage = fake.channel('triage')!.id;
  });
  afterEach(() => fake.close());

  function setUp(fetchFn?: typeof fetch) {
    const logger = mockServices.logger.mock();
    const client = new WebClient(fake.botToken, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
    });
    const responseUrls = new ResponseUrls({
      hooksUrl: fake.hooksUrl,
      logger,
      fetch: fetchFn,
    });
    return {
      answers: new SlackAnswers({ client, responseUrls, logger }),
      logger,
    };
  }

  const ephemeralTexts = () => fake.ephemerals(triage).map(e => e.text);

  it('answers through the response_url as an ephemeral message, also where the bot cannot post', async () => {
    const { answers } = setUp();
    // A direct message between Ada and Grace: the bot is not in it.
    const responseUrl = fake.newResponseUrl({
      userId: ADA,
      channelId: 'D0ADAGRACE',
    });

    await answers.tell(
      { slackUserId: ADA, channelId: 'D0ADAGRACE', responseUrl },
      'Done.',
    );

    expect(fake.responses()).toEqual([
      {
        url: responseUrl,
        userId: ADA,
        channelId: 'D0ADAGRACE',
        body: {
          response_type: 'ephemeral',
          text: 'Done.',
          replace_original: false,
        },
        status: 200,
      },
    ]);
    expect(fake.callsTo('chat.postEphemeral')).toEqual([]);
  });

  it('falls back to an ephemeral message in the channel when Slack refuses the response_url, and logs it once', async () => {
    const { answers, logger } = setUp();
    const responseUrl = fake.newResponseUrl({
      userId: ADA,
      channelId: triage,
    });
    fake.expireResponseUrl(responseUrl);
    const audience = { slackUserId: ADA, channelId: triage, responseUrl };

    await answers.tell(audience, 'First.');
    await answers.tell(audience, 'Second.');

    expect(ephemeralTexts()).toEqual(['First.', 'Second.']);
    // Tried once: the second answer went straight to the fallback.
    expect(fake.responses().map(r => [r.status, r.error])).toEqual([
      [404, 'expired_url'],
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Not answering through Slack's response_url http:\/\/127\.0\.0\.1:\d+\/commands\/T0001\/\d+\/…: Slack answered 404 expired_url; answering with a message instead$/,
      ),
    );
  });

  it("posts nothing to a response_url that is not on Slack's hooks host", async () => {
    const fetchSpy = jest.fn();
    const { answers, logger } = setUp(fetchSpy);

    for (const responseUrl of [
      'https://hooks.slack.com.evil.example/commands/T0001/1/x',
      'https://evil.example/commands/T0001/1/x',
      // Slack's, but the hooks URL of this bot is the fake's.
      'https://hooks.slack.com/commands/T0001/1/x',
      'not a url',
    ]) {
      await answers.tell(
        { slackUserId: ADA, channelId: triage, responseUrl },
        responseUrl,
      );
    }

    expect(fetchSpy).not.toHaveBeenCalled();
    expect(ephemeralTexts()).toHaveLength(4);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(`it is not on ${new URL(fake.hooksUrl).origin}`),
    );
  });

  it('uses a response_url 5 times at most, then answers in the channel', async () => {
    const { answers } = setUp();
    const responseUrl = fake.newResponseUrl({
      userId: ADA,
      channelId: triage,
    });

    for (let i = 1; i <= 6; i++) {
      await answers.tell(
        { slackUserId: ADA, channelId: triage, responseUrl },
        `Answer ${i}`,
      );
    }

    expect(fake.responses().map(r => r.body.text)).toEqual([
      'Answer 1',
      'Answer 2',
      'Answer 3',
      'Answer 4',
      'Answer 5',
    ]);
    expect(ephemeralTexts()).toEqual(['Answer 6']);
  });

  it('answers as before without a response_url: ephemeral in the channel, else a direct message', async () => {
    const { answers } = setUp();

    await answers.tell({ slackUserId: ADA, channelId: triage }, 'Here.');
    await answers.tell({ slackUserId: ADA }, 'Privately.');

    expect(ephemeralTexts()).toEqual(['Here.']);
    expect(fake.messages(fake.channel(`dm-${ADA}`)!.id)).toEqual([
      expect.objectContaining({ text: 'Privately.' }),
    ]);
    expect(fake.responses()).toEqual([]);
  });
});
