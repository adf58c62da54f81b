import { WebClient } from '@slack/web-api';
import {
  FakeSlack,
  FAKE_BOT_USER_ID,
  startFakeSlack,
} from '../__testUtils__/fakeSlack';
import { SlackChannels, UnknownSlackChannelError } from './SlackChannels';

describe('SlackChannels', () => {
  let fake: FakeSlack;
  let now: number;

  beforeEach(async () => {
    fake = await startFakeSlack({
      channels: [
        // 450 channels before the team's: its name is on the third page.
        ...Array.from({ length: 450 }, (_, i) => ({ name: `chatter-${i}` })),
        { name: 'payments-oncall' },
        {
          name: 'secret-payments',
          is_private: true,
          members: [FAKE_BOT_USER_ID],
        },
        // Private, without the bot: Slack does not list it.
        { name: 'hidden-payments', is_private: true },
      ],
    });
    now = 1_000_000;
  });
  afterEach(() => fake.close());

  const channels = () =>
    new SlackChannels({
      client: new WebClient(fake.botToken, {
        slackApiUrl: fake.url,
        retryConfig: { retries: 0 },
      }),
      cacheTtlMs: 60_000,
      now: () => now,
    });

  it('resolves a name, with or without #, through every page of conversations.list, once for several lookups', async () => {
    const directory = channels();
    const id = fake.channel('payments-oncall')!.id;

    await expect(directory.idOf('payments-oncall')).resolves.toBe(id);
    await expect(directory.idOf('#payments-oncall')).resolves.toBe(id);
    await expect(directory.idOf(' #Payments-Oncall ')).resolves.toBe(id);
    await expect(directory.idOf('secret-payments')).resolves.toBe(
      fake.channel('secret-payments')!.id,
    );

    // One read of the list: three pages of 200.
    const calls = fake.callsTo('conversations.list');
    expect(calls.map(c => c.args)).toEqual([
      {
        types: 'public_channel,private_channel',
        exclude_archived: 'true',
        limit: '200',
      },
      expect.objectContaining({ cursor: expect.any(String) }),
      expect.objectContaining({ cursor: expect.any(String) }),
    ]);
    expect(calls.every(c => c.response.ok)).toBe(true);
  });

  it('takes a channel id as it is, without asking Slack', async () => {
    await expect(channels().idOf('C0123456789')).resolves.toBe('C0123456789');
    expect(fake.callsTo('conversations.list')).toEqual([]);
  });

  it('reads the list again once the cache expired', async () => {
    const directory = channels();
    await directory.idOf('payments-oncall');
    now += 59_000;
    await directory.idOf('payments-oncall');
    expect(fake.callsTo('conversations.list')).toHaveLength(3);

    now += 1_000;
    await directory.idOf('payments-oncall');
    expect(fake.callsTo('conversations.list')).toHaveLength(6);
  });

  it.each([
    ['a channel that does not exist', 'payments-on-call'],
    ['a private channel the bot is not in', '#hidden-payments'],
  ])('refuses %s with what to do', async (_what, name) => {
    const lookup = channels().idOf(name);

    await expect(lookup).rejects.toBeInstanceOf(UnknownSlackChannelError);
    await expect(lookup).rejects.toThrow(
      `No Slack channel named #${name.replace(
        '#',
        '',
      )} that Multivac can see; invite @Multivac or use the channel id`,
    );
  });

  it('does not keep a list Slack failed to give', async () => {
    const directory = channels();
    fake.failNext('conversations.list', 'fatal_error');

    await expect(directory.idOf('payments-oncall')).rejects.toThrow(
      'fatal_error',
    );
    await expect(directory.idOf('payments-oncall')).resolves.toBe(
      fake.channel('payments-oncall')!.id,
    );
  });
});
