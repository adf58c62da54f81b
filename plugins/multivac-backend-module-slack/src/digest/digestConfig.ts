import { Config } from '@backstage/config';
import { readChannelSetting } from '../bot/SlackChannels';

/** One channel's digest: `multivac.slack.digest.channels[]`. */
export interface DigestChannelConfig {
  /**
   * Slack channel id (e.g. C0123456789) or name (`#sre-digest`, resolved
   * when the digest is posted); the bot must be a member.
   */
  channel: string;
  /** The config key of `channel`, for messages. */
  key: string;
  /** A Group (ref or name): only its incidents, pages, releases and on-call. */
  team?: string;
  /** Local hour (0–23) at which it is posted. */
  hour: number;
  /** IANA zone of `hour` and of the day; default UTC. */
  timeZone: string;
}

const KEY = 'multivac.slack.digest.channels';

/**
 * Reads `multivac.slack.digest.channels` (none when absent); throws naming
 * the key of a bad value. A channel appears once (`#ops` and `ops` are the
 * same); its digest is claimed per channel id and day, so a channel listed
 * once by name and once by id is still posted once a day.
 */
export function readDigestChannels(config: Config): DigestChannelConfig[] {
  const entries = config.getOptionalConfigArray(KEY) ?? [];
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const key = `${KEY}[${i}]`;
    const raw = entry.getString('channel');
    if (!raw.trim()) {
      throw new Error(`${key}.channel must not be empty`);
    }
    const channel = readChannelSetting(`${key}.channel`, raw);
    if (seen.has(channel)) {
      throw new Error(
        `${key}.channel: ${channel} is listed twice; one digest per channel`,
      );
    }
    seen.add(channel);
    const hour = entry.getNumber('hour');
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
      throw new Error(
        `${key}.hour must be a whole hour from 0 to 23, got ${hour}`,
      );
    }
    const timeZone = entry.getOptionalString('timeZone') ?? 'UTC';
    if (!isTimeZone(timeZone)) {
      throw new Error(
        `${key}.timeZone must be an IANA time zone such as Europe/Berlin, got ${timeZone}`,
      );
    }
    const team = entry.getOptionalString('team')?.trim();
    return {
      channel,
      key: `${key}.channel`,
      hour,
      timeZone,
      ...(team && { team }),
    };
  });
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format(0);
    return true;
  } catch {
    return false;
  }
}

/** The calendar day (YYYY-MM-DD) and hour (0–23) of `at` in `timeZone`. */
export function localDayAndHour(
  at: Date,
  timeZone: string,
): { day: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find(p => p.type === type)?.value ?? '';
  return {
    day: `${part('year')}-${part('month')}-${part('day')}`,
    hour: Number(part('hour')),
  };
}
