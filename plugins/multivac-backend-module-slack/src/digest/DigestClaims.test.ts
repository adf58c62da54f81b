import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { SlackStore } from '../database/SlackStore';
import { DigestClaims } from './DigestClaims';
import { localDayAndHour, readDigestChannels } from './digestConfig';

jest.setTimeout(60_000);

describe('DigestClaims', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });

  it.each(databases.eachSupportedId())(
    'lets one caller post a channel per day, and another take over a stale claim, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await SlackStore.create({ getClient: async () => knex });
      // Two replicas; a claim is stale after ten minutes without a post.
      const [one, two] = [new DigestClaims(knex), new DigestClaims(knex)];
      const nine = new Date('2026-03-11T09:00:00Z');

      const first = await one.claim('C1', '2026-03-11', nine);
      expect(first).toEqual(expect.any(String));
      expect(await two.claim('C1', '2026-03-11', nine)).toBeUndefined();
      // Another channel, or another day, is a claim of its own.
      expect(await two.claim('C2', '2026-03-11', nine)).toEqual(
        expect.any(String),
      );
      expect(await two.claim('C1', '2026-03-12', nine)).toEqual(
        expect.any(String),
      );

      // Nine minutes on, the claimer may still be posting.
      const later = (minutes: number) =>
        new Date(nine.getTime() + minutes * 60_000);
      expect(await two.claim('C1', '2026-03-11', later(9))).toBeUndefined();
      // Eleven minutes on it died: one replica takes over.
      const taken = await two.claim('C1', '2026-03-11', later(11));
      expect(taken).toEqual(expect.any(String));
      expect(await one.claim('C1', '2026-03-11', later(11))).toBeUndefined();
      // The first claimer's late mark changes nothing; the new one's holds.
      await one.posted('C1', '2026-03-11', first!, '1.000');
      await two.posted('C1', '2026-03-11', taken!, '2.000');
      // Posted: never claimed again, however stale.
      expect(await one.claim('C1', '2026-03-11', later(600))).toBeUndefined();
      expect(
        await knex('multivac_slack_digest_posts')
          .where({ channel: 'C1', local_date: '2026-03-11' })
          .select('claim', 'message_ts'),
      ).toEqual([{ claim: taken, message_ts: '2.000' }]);

      // A released claim can be taken at once.
      const c2 = await one.claim('C3', '2026-03-11', nine);
      await one.release('C3', '2026-03-11', c2!);
      expect(await two.claim('C3', '2026-03-11', nine)).toEqual(
        expect.any(String),
      );
    },
  );
});

describe('localDayAndHour', () => {
  it('reads the day and hour in the zone, across midnight and DST', () => {
    // 23:30 UTC on 28 March 2026 is 00:30 on the 29th in Berlin (CET), and
    // 01:30 UTC that day is 03:30 CEST, after the change.
    expect(
      localDayAndHour(new Date('2026-03-28T23:30:00Z'), 'Europe/Berlin'),
    ).toEqual({ day: '2026-03-29', hour: 0 });
    expect(
      localDayAndHour(new Date('2026-03-29T01:30:00Z'), 'Europe/Berlin'),
    ).toEqual({ day: '2026-03-29', hour: 3 });
    expect(
      localDayAndHour(new Date('2026-03-29T01:30:00Z'), 'America/New_York'),
    ).toEqual({ day: '2026-03-28', hour: 21 });
  });
});

describe('readDigestChannels', () => {
  const read = (channels: Array<Record<string, string | number>>) =>
    readDigestChannels(
      new ConfigReader({ multivac: { slack: { digest: { channels } } } }),
    );

  it('reads channels with their team, hour and zone (UTC by default)', () => {
    expect(
      read([
        { channel: 'C1', hour: 9 },
        { channel: 'C2', team: 'payments', hour: 8, timeZone: 'Europe/Berlin' },
      ]),
    ).toEqual([
      {
        channel: 'C1',
        key: 'multivac.slack.digest.channels[0].channel',
        hour: 9,
        timeZone: 'UTC',
      },
      {
        channel: 'C2',
        key: 'multivac.slack.digest.channels[1].channel',
        team: 'payments',
        hour: 8,
        timeZone: 'Europe/Berlin',
      },
    ]);
    expect(readDigestChannels(new ConfigReader({}))).toEqual([]);
  });

  it('names the key of a bad value', () => {
    expect(() => read([{ channel: 'C1', hour: 24 }])).toThrow(
      'multivac.slack.digest.channels[0].hour must be a whole hour from 0 to 23, got 24',
    );
    expect(() =>
      read([{ channel: 'C1', hour: 9, timeZone: 'Mars/Olympus' }]),
    ).toThrow(
      'multivac.slack.digest.channels[0].timeZone must be an IANA time zone such as Europe/Berlin, got Mars/Olympus',
    );
    expect(() =>
      read([
        { channel: 'C1', hour: 9 },
        { channel: 'C1', hour: 10 },
      ]),
    ).toThrow(
      'multivac.slack.digest.channels[1].channel: C1 is listed twice; one digest per channel',
    );
    expect(() => read([{ hour: 9 }])).toThrow(/channel/);
  });
});
