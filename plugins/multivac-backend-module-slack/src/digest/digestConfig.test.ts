import { ConfigReader } from '@backstage/config';
import { readDigestChannels } from './digestConfig';

const read = (channels: object[]) =>
  readDigestChannels(
    new ConfigReader({ multivac: { slack: { digest: { channels } } } }),
  );

describe('readDigestChannels', () => {
  it('is empty without the key', () => {
    expect(readDigestChannels(new ConfigReader({}))).toEqual([]);
  });

  it('takes channel ids as they are and names as #name, with the key of each', () => {
    expect(
      read([
        { channel: 'C0123456789', hour: 9 },
        { channel: '#sre-digest', hour: 8, timeZone: 'Europe/Berlin' },
        { channel: 'team_payments', team: 'payments', hour: 7 },
      ]),
    ).toEqual([
      {
        channel: 'C0123456789',
        key: 'multivac.slack.digest.channels[0].channel',
        hour: 9,
        timeZone: 'UTC',
      },
      {
        channel: '#sre-digest',
        key: 'multivac.slack.digest.channels[1].channel',
        hour: 8,
        timeZone: 'Europe/Berlin',
      },
      {
        channel: '#team_payments',
        key: 'multivac.slack.digest.channels[2].channel',
        team: 'payments',
        hour: 7,
        timeZone: 'UTC',
      },
    ]);
  });

  it.each(['#SRE-Digest', 'sre digest', '#sre/digest', `#${'x'.repeat(81)}`])(
    'refuses the channel %j, naming the key and the value',
    channel => {
      expect(() =>
        read([
          { channel: 'C0123456789', hour: 9 },
          { channel, hour: 9 },
        ]),
      ).toThrow(
        `multivac.slack.digest.channels[1].channel must be a Slack channel id (C0123456789) or a channel name (#name: lowercase letters, digits, - and _, up to 80 characters), got ${JSON.stringify(
          channel,
        )}`,
      );
    },
  );

  it('refuses an empty channel', () => {
    expect(() => read([{ channel: ' ', hour: 9 }])).toThrow(
      'multivac.slack.digest.channels[0].channel must not be empty',
    );
  });

  it('refuses a channel listed twice, by the same name with and without #', () => {
    expect(() =>
      read([
        { channel: '#sre-digest', hour: 9 },
        { channel: 'sre-digest', hour: 10 },
      ]),
    ).toThrow(
      'multivac.slack.digest.channels[1].channel: #sre-digest is listed twice; one digest per channel',
    );
  });

  it('still refuses a bad hour and time zone', () => {
    expect(() => read([{ channel: '#sre', hour: 24 }])).toThrow(
      'multivac.slack.digest.channels[0].hour must be a whole hour from 0 to 23, got 24',
    );
    expect(() =>
      read([{ channel: '#sre', hour: 9, timeZone: 'Mars/Olympus' }]),
    ).toThrow(
      'multivac.slack.digest.channels[0].timeZone must be an IANA time zone such as Europe/Berlin, got Mars/Olympus',
    );
  });
});
