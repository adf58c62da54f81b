import { mockServices } from '@backstage/backend-test-utils';
import { WebClient } from '@slack/web-api';
import {
  FakeSlack,
  FAKE_BOT_USER_ID,
  startFakeSlack,
} from '../__testUtils__/fakeSlack';
import {
  readChannelSetting,
  SlackChannels,
  UnknownSlackChannelError,
} from './SlackChannels';

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

  describe('idOfSetting', () => {
    const KEY = 'multivac.slack.triageChannel';

    it('resolves a #name, and takes an id as it is without asking Slack', async () => {
      const logger = mockServices.logger.mock();
      const directory = channels();

      await expect(
        directory.idOfSetting(KEY, 'C0TRIAGE', logger),
      ).resolves.toBe('C0TRIAGE');
      expect(fake.callsTo('conversations.list')).toEqual([]);
      await expect(
        directory.idOfSetting(KEY, '#payments-oncall', logger),
      ).resolves.toBe(fake.channel('payments-oncall')!.id);
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('warns naming the key and the channel when Slack does not know the name, and throws', async () => {
      const logger = mockServices.logger.mock();

      await expect(
        channels().idOfSetting(KEY, '#not-yet', logger),
      ).rejects.toBeInstanceOf(UnknownSlackChannelError);
      expect(logger.warn).toHaveBeenCalledWith(
        'multivac.slack.triageChannel: No Slack channel named #not-yet that Multivac can see; invite @Multivac or use the channel id; will try again',
      );
    });

    it('finds a channel created after the first lookup once the cache expired', async () => {
      const logger = mockServices.logger.mock();
      const directory = channels();
      await expect(
        directory.idOfSetting(KEY, '#created-later', logger),
      ).rejects.toBeInstanceOf(UnknownSlackChannelError);
      const created = await new WebClient(fake.botToken, {
        slackApiUrl: fake.url,
      }).conversations.create({ name: 'created-later' });

      await expect(
        directory.idOfSetting(KEY, '#created-later', logger),
      ).rejects.toBeInstanceOf(UnknownSlackChannelError);
      now += 60_000;
      await expect(
        directory.idOfSetting(KEY, '#created-later', logger),
      ).resolves.toBe(created.channel!.id);
    });
  });
});

describe('readChannelSetting', () => {
  const KEY = 'multivac.slack.digest.channels[0].channel';

  it.each([
    ['C0123456789', 'C0123456789'],
    ['C0123ABC', 'C0123ABC'],
    ['G0PRIVATE1', 'G0PRIVATE1'],
    [' C0123456789 ', 'C0123456789'],
    ['#sre-digest', '#sre-digest'],
    ['sre-digest', '#sre-digest'],
    ['team_payments-2', '#team_payments-2'],
    [`#${'a'.repeat(80)}`, `#${'a'.repeat(80)}`],
  ])('takes %j as %j', (value, expected) => {
    expect(readChannelSetting(KEY, value)).toBe(expected);
  });

  it.each([
    '#SRE-digest',
    'sre digest',
    '#sre.digest',
    '##sre',
    '#',
    'a'.repeat(81),
    '<#C0123456789|sre>',
    'https://example.slack.com/archives/C0123456789',
  ])('refuses %j, naming the key and the value', value => {
    expect(() => readChannelSetting(KEY, value)).toThrow(
      `multivac.slack.digest.channels[0].channel must be a Slack channel id (C0123456789) or a channel name (#name: lowercase letters, digits, - and _, up to 80 characters), got ${JSON.stringify(
        value,
      )}`,
    );
  });
});
