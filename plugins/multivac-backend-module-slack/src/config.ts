import { Config } from '@backstage/config';
import { readChannelSetting } from './bot/SlackChannels';
import { COMMAND_REACTIONS } from './messages/actions';

/** Who the bot acts for: `multivac.slack.{teamId, enterpriseId, users}`. */
export interface SlackIdentityConfig {
  /** The app's workspace; unset (with `enterpriseId`): asked of `auth.test`. */
  teamId?: string;
  enterpriseId?: string;
  /** `annotation`: only the User's `slack.com/user-id` maps, never email. */
  mapping: 'email' | 'annotation';
  cacheTtlSeconds: number;
  cacheSize: number;
}

/** `multivac.slack` with its defaults applied. */
export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  /** Set: commands, interactions and events also arrive over Socket Mode. */
  appToken?: string;
  /** Ends with `/`, as the Web API client expects. */
  apiUrl: string;
  /**
   * Origin of the `response_url`s the bot answers through, ending with `/`:
   * `https://hooks.slack.com/`, or a loopback URL (a local fake Slack).
   */
  hooksUrl: string;
  command: string;
  /**
   * A channel id (`C...`) or name (`#triage`), resolved when a message is
   * posted (SlackChannels.idOfSetting).
   */
  triageChannel?: string;
  archiveAfterMinutes?: number;
  /** Emoji name, without colons, that marks a key message for the timeline. */
  keyMessageReaction: string;
  identity: SlackIdentityConfig;
  /** How long channel names resolved to ids are reused, in seconds. */
  channelCacheSeconds: number;
}

export const DEFAULT_API_URL = 'https://slack.com/api/';
export const DEFAULT_HOOKS_URL = 'https://hooks.slack.com/';
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
export const DEFAULT_COMMAND = '/multivac';
export const DEFAULT_KEY_MESSAGE_REACTION = 'pushpin';

/**
 * Reads `multivac.slack`, or returns undefined when it is absent. Throws,
 * naming the key, when a required key is missing or a value is invalid.
 */
export function readSlackConfig(config: Config): SlackConfig | undefined {
  const slack = config.getOptionalConfig('multivac.slack');
  if (!slack) {
    return undefined;
  }
  const apiUrl = slack.getOptionalString('apiUrl') ?? DEFAULT_API_URL;
  const hooksUrl = readHooksUrl(slack.getOptionalString('hooksUrl'));
  const archiveAfterMinutes = slack.getOptionalNumber('archiveAfterMinutes');
  if (archiveAfterMinutes !== undefined && !(archiveAfterMinutes >= 0)) {
    throw new Error(
      `multivac.slack.archiveAfterMinutes must be 0 or more, got ${archiveAfterMinutes}`,
    );
  }
  const command = slack.getOptionalString('command') ?? DEFAULT_COMMAND;
  if (!command.startsWith('/')) {
    throw new Error(`multivac.slack.command must start with /, got ${command}`);
  }
  const reaction = slack.getOptionalString('keyMessageReaction');
  // People write emoji with colons (`:pushpin:`); Slack's events name them without.
  const keyMessageReaction =
    reaction?.replace(/^:(.*):$/, '$1') ?? DEFAULT_KEY_MESSAGE_REACTION;
  if (!/^[a-z0-9_+'-]+$/.test(keyMessageReaction)) {
    throw new Error(
      `multivac.slack.keyMessageReaction must be an emoji name such as pushpin, got ${reaction}`,
    );
  }
  if (Object.values<string>(COMMAND_REACTIONS).includes(keyMessageReaction)) {
    throw new Error(
      `multivac.slack.keyMessageReaction cannot be ${keyMessageReaction}: the bot reacts with it to commands`,
    );
  }
  const mapping = slack.getOptionalString('users.mapping') ?? 'email';
  if (mapping !== 'email' && mapping !== 'annotation') {
    throw new Error(
      `multivac.slack.users.mapping must be email or annotation, got ${mapping}`,
    );
  }
  const bounded = (key: string, fallback: number, max: number) => {
    const value = slack.getOptionalNumber(key) ?? fallback;
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new Error(
        `multivac.slack.${key} must be a whole number from 1 to ${max}, got ${value}`,
      );
    }
    return value;
  };
  return {
    botToken: slack.getString('botToken'),
    signingSecret: slack.getString('signingSecret'),
    appToken: slack.getOptionalString('appToken'),
    apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    hooksUrl,
    command,
    triageChannel: readOptionalChannel(slack, 'triageChannel'),
    archiveAfterMinutes,
    keyMessageReaction,
    identity: {
      teamId: slack.getOptionalString('teamId'),
      enterpriseId: slack.getOptionalString('enterpriseId'),
      mapping,
      cacheTtlSeconds: bounded('users.cacheSeconds', 300, 86_400),
      cacheSize: bounded('users.cacheSize', 1000, 100_000),
    },
    channelCacheSeconds: bounded('channels.cacheSeconds', 300, 86_400),
  };
}

/** A channel id or `#name` (readChannelSetting), when set. */
function readOptionalChannel(slack: Config, key: string): string | undefined {
  const value = slack.getOptionalString(key);
  return value === undefined
    ? undefined
    : readChannelSetting(`multivac.slack.${key}`, value);
}

/**
 * `multivac.slack.hooksUrl`, as an origin ending with `/`. Only Slack's
 * hooks host, or a loopback address for a local fake Slack, so that no
 * configuration can send the bot's replies to another server.
 */
function readHooksUrl(value: string | undefined): string {
  if (value === undefined) {
    return DEFAULT_HOOKS_URL;
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const slacks =
    url?.protocol === 'https:' && url.host === new URL(DEFAULT_HOOKS_URL).host;
  const loopback =
    (url?.protocol === 'http:' || url?.protocol === 'https:') &&
    LOOPBACK_HOSTS.includes(url.hostname);
  if (!url || !(slacks || loopback) || url.username || url.password) {
    throw new Error(
      `multivac.slack.hooksUrl must be ${DEFAULT_HOOKS_URL} or a loopback URL (a local fake Slack), got ${value}`,
    );
  }
  return `${url.origin}/`;
}
