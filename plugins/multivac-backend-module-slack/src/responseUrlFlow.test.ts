import { user } from '@multivac/plugin-multivac-node/testUtils';
import { FakeSlack, startFakeSlack } from './__testUtils__/fakeSlack';
import { eventually, startSlackBackend } from './__testUtils__/slackBackend';
import { slashCommand } from './__testUtils__/slackPayloads';

jest.setTimeout(60_000);

const ADA = 'U0ADA';

describe('answering a slash command through its response_url, end to end', () => {
  let fake: FakeSlack;

  beforeEach(async () => {
    fake = await startFakeSlack({
      users: [{ id: ADA, name: 'ada.lovelace' }],
    });
  });
  afterEach(() => fake.close());

  it('acknowledges at once with an empty 200, then the job answers through the response_url in a direct message', async () => {
    const { backend, slack } = await startSlackBackend({
      fake,
      entities: [
        user('ada.lovelace', {
          displayName: 'Ada Lovelace',
          annotations: { 'slack.com/user-id': ADA },
        }),
      ],
      multivac: {},
    });
    // A direct message with someone else: no ephemeral message can go there.
    const dm = 'D0ADAGRACE';
    const responseUrl = fake.newResponseUrl({ userId: ADA, channelId: dm });

    const ack = await slack.command(
      slashCommand({
        text: 'help',
        user_id: ADA,
        channel_id: dm,
        channel_name: 'directmessage',
        response_url: responseUrl,
      }),
    );

    expect(ack.status).toBe(200);
    expect(ack.text).toBe('');
    const [answer] = await eventually(
      () => fake.responses().length > 0 && fake.responses(),
      'the answer at the response_url',
    );
    expect(answer).toEqual({
      url: responseUrl,
      userId: ADA,
      channelId: dm,
      body: {
        response_type: 'ephemeral',
        text: expect.stringMatching(/^\*What I can do\*/),
        replace_original: false,
      },
      status: 200,
    });
    expect(fake.callsTo('chat.postEphemeral')).toEqual([]);
    await backend.stop();
  });
});
