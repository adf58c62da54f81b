import { ConfigReader } from '@backstage/config';
import { readSlackConfig } from './config';

const read = (slack?: object) =>
  readSlackConfig(new ConfigReader({ multivac: { slack } }));

describe('readSlackConfig', () => {
  it('is undefined without multivac.slack', () => {
    expect(read()).toBeUndefined();
  });

  it('applies the defaults', () => {
    expect(read({ botToken: 'xoxb-1', signingSecret: 's' })).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 's',
      appToken: undefined,
      apiUrl: 'https://slack.com/api/',
      hooksUrl: 'https://hooks.slack.com/',
      command: '/multivac',
      triageChannel: undefined,
      archiveAfterMinutes: undefined,
      keyMessageReaction: 'pushpin',
      identity: {
        teamId: undefined,
        enterpriseId: undefined,
        mapping: 'email',
        cacheTtlSeconds: 300,
        cacheSize: 1000,
      },
      channelCacheSeconds: 300,
    });
  });

  it.each([
    ['https://hooks.slack.com', 'https://hooks.slack.com/'],
    ['http://127.0.0.1:4000/', 'http://127.0.0.1:4000/'],
    ['http://localhost:4000/anything', 'http://localhost:4000/'],
    ['http://[::1]:4000', 'http://[::1]:4000/'],
  ])('takes the hooks URL %s, as its origin', (hooksUrl, origin) => {
    expect(
      read({ botToken: 'x', signingSecret: 's', hooksUrl })?.hooksUrl,
    ).toBe(origin);
  });

  it.each([
    'http://hooks.slack.com/',
    'https://hooks.slack.com.evil.example/',
    'https://evil.example/',
    'https://user:pw@hooks.slack.com/',
    'ftp://127.0.0.1/',
    'not a url',
  ])('refuses the hooks URL %s: replies go to Slack only', hooksUrl => {
    expect(() => read({ botToken: 'x', signingSecret: 's', hooksUrl })).toThrow(
      `multivac.slack.hooksUrl must be https://hooks.slack.com/ or a loopback URL (a local fake Slack), got ${hooksUrl}`,
    );
  });

  it('reads the channel cache and refuses one out of bounds', () => {
    expect(
      read({
        botToken: 'x',
        signingSecret: 's',
        channels: { cacheSeconds: 60 },
      })?.channelCacheSeconds,
    ).toBe(60);
    expect(() =>
      read({
        botToken: 'x',
        signingSecret: 's',
        channels: { cacheSeconds: 0 },
      }),
    ).toThrow(
      'multivac.slack.channels.cacheSeconds must be a whole number from 1 to 86400, got 0',
    );
  });

  it('reads who the bot acts for', () => {
    expect(
      read({
        botToken: 'xoxb-1',
        signingSecret: 's',
        teamId: 'T0001',
        enterpriseId: 'E0001',
        users: { mapping: 'annotation', cacheSeconds: 60, cacheSize: 50 },
      })?.identity,
    ).toEqual({
      teamId: 'T0001',
      enterpriseId: 'E0001',
      mapping: 'annotation',
      cacheTtlSeconds: 60,
      cacheSize: 50,
    });
  });

  it.each([
    [
      { mapping: 'name' },
      'multivac.slack.users.mapping must be email or annotation, got name',
    ],
    [
      { cacheSeconds: 0 },
      'multivac.slack.users.cacheSeconds must be a whole number from 1 to 86400, got 0',
    ],
    [
      { cacheSize: 1e9 },
      'multivac.slack.users.cacheSize must be a whole number from 1 to 100000, got 1000000000',
    ],
  ])('refuses users %j, naming the key', (users, message) => {
    expect(() => read({ botToken: 'x', signingSecret: 's', users })).toThrow(
      message,
    );
  });

  it('reads every key, ending the API URL with a slash', () => {
    expect(
      read({
        botToken: 'xoxb-1',
        signingSecret: 's',
        appToken: 'xapp-1',
        apiUrl: 'http://127.0.0.1:4000/api',
        command: '/incident',
        triageChannel: 'C0TRIAGE',
        archiveAfterMinutes: 1440,
        keyMessageReaction: 'star',
      }),
    ).toMatchObject({
      keyMessageReaction: 'star',
      appToken: 'xapp-1',
      apiUrl: 'http://127.0.0.1:4000/api/',
      command: '/incident',
      triageChannel: 'C0TRIAGE',
      archiveAfterMinutes: 1440,
    });
  });

  it.each([
    ['C0TRIAGE', 'C0TRIAGE'],
    ['#triage', '#triage'],
    ['sre-triage', '#sre-triage'],
  ])('takes the triage channel %j as %j', (triageChannel, expected) => {
    expect(
      read({ botToken: 'x', signingSecret: 's', triageChannel })?.triageChannel,
    ).toBe(expected);
  });

  it.each(['#Triage', 'triage room', 'c0triage!'])(
    'refuses the triage channel %j, naming the key and the value',
    triageChannel => {
      expect(() =>
        read({ botToken: 'x', signingSecret: 's', triageChannel }),
      ).toThrow(
        `multivac.slack.triageChannel must be a Slack channel id (C0123456789) or a channel name (#name: lowercase letters, digits, - and _, up to 80 characters), got ${JSON.stringify(
          triageChannel,
        )}`,
      );
    },
  );

  it('takes the key message reaction with or without colons', () => {
    expect(
      read({
        botToken: 'xoxb-1',
        signingSecret: 's',
        keyMessageReaction: ':round_pushpin:',
      })?.keyMessageReaction,
    ).toBe('round_pushpin');
  });

  it.each([
    [
      {
        botToken: 'xoxb-1',
        signingSecret: 's',
        keyMessageReaction: 'push pin',
      },
      'multivac.slack.keyMessageReaction must be an emoji name such as pushpin, got push pin',
    ],
    [
      {
        botToken: 'xoxb-1',
        signingSecret: 's',
        keyMessageReaction: ':white_check_mark:',
      },
      'multivac.slack.keyMessageReaction cannot be white_check_mark: the bot reacts with it to commands',
    ],
    [
      { signingSecret: 's' },
      "Missing required config value at 'multivac.slack.botToken'",
    ],
    [
      { botToken: 'xoxb-1' },
      "Missing required config value at 'multivac.slack.signingSecret'",
    ],
    [
      { botToken: 'xoxb-1', signingSecret: 's', command: 'multivac' },
      'multivac.slack.command must start with /, got multivac',
    ],
    [
      { botToken: 'xoxb-1', signingSecret: 's', archiveAfterMinutes: -5 },
      'multivac.slack.archiveAfterMinutes must be 0 or more, got -5',
    ],
  ])('rejects %j', (slack, message) => {
    expect(() => read(slack)).toThrow(message);
  });
});
