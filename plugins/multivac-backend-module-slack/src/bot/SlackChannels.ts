import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { WebClient } from '@slack/web-api';
import type { SlackConfig } from '../config';

/** A channel id: `C...` (public or private), `G...` (older private ones). */
const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;
/**
 * What a config key takes for a channel id: Slack's ids are `C` or `G` and
 * then capitals and digits (channel names have no capitals).
 */
const SETTING_ID = /^[CG][A-Z0-9]+$/;
/** A channel name as Slack allows it, with or without `#`. */
const CHANNEL_NAME = /^#?[a-z0-9_-]{1,80}$/;
const PAGE_SIZE = 200;

/** A `slack.com/channel` that names no channel the bot can see. */
export class UnknownSlackChannelError extends NotFoundError {
  constructor(readonly channel: string) {
    super(
      `No Slack channel named #${channel} that Multivac can see; invite @Multivac or use the channel id`,
    );
  }
}

/**
 * A config key that names a Slack channel (`multivac.slack.triageChannel`,
 * `multivac.slack.digest.channels[].channel`): the channel id as it is, or
 * the name as `#name`. Throws, naming `key` and the value, when it is
 * neither a channel id nor a name Slack allows (lowercase letters, digits,
 * `-` and `_`, up to 80 characters).
 */
export function readChannelSetting(key: string, value: string): string {
  const trimmed = value.trim();
  if (SETTING_ID.test(trimmed)) {
    return trimmed;
  }
  if (CHANNEL_NAME.test(trimmed)) {
    return `#${trimmed.replace(/^#/, '')}`;
  }
  throw new Error(
    `${key} must be a Slack channel id (C0123456789) or a channel name (#name: lowercase letters, digits, - and _, up to 80 characters), got ${JSON.stringify(
      value,
    )}`,
  );
}

/**
 * Channels as the catalog gives them (`slack.com/channel`): a channel id
 * (`C0123456789`), or a name with or without `#` (`#payments-oncall`),
 * which is resolved through `conversations.list`: the public channels and
 * the private ones the bot is a member of, not archived. The list is read
 * once (every page) and reused for `cacheTtlMs`, by every lookup.
 */
export class SlackChannels {
  private directory?: { names: Promise<Map<string, string>>; until: number };

  constructor(
    private readonly deps: {
      client: WebClient;
      cacheTtlMs: number;
      now?: () => number;
    },
  ) {}

  /**
   * The id of `channel`; an id is returned as it is. Throws
   * UnknownSlackChannelError for a name the bot cannot see, and Slack's
   * error when the list cannot be read.
   */
  async idOf(channel: string): Promise<string> {
    const trimmed = channel.trim();
    if (CHANNEL_ID.test(trimmed)) {
      return trimmed;
    }
    const name = trimmed.replace(/^#/, '').toLowerCase();
    const id = (await this.names()).get(name);
    if (!id) {
      throw new UnknownSlackChannelError(name);
    }
    return id;
  }

  /**
   * The id of the channel config key `key` names (as read by
   * readChannelSetting): an id as it is, a `#name` resolved now, so that a
   * channel created or renamed since the start is found once the cache is
   * renewed. A name the bot cannot see is logged as a warning naming the
   * key and the channel, and thrown (UnknownSlackChannelError) so that the
   * caller tries again later.
   */
  async idOfSetting(
    key: string,
    value: string,
    logger: LoggerService,
  ): Promise<string> {
    if (!value.startsWith('#')) {
      return value;
    }
    try {
      return await this.idOf(value);
    } catch (error) {
      if (error instanceof UnknownSlackChannelError) {
        logger.warn(`${key}: ${error.message}; will try again`);
      }
      throw error;
    }
  }

  /** Channel names to ids, from the cache while it is fresh. */
  private names(): Promise<Map<string, string>> {
    const now = this.deps.now?.() ?? Date.now();
    if (!this.directory || this.directory.until <= now) {
      const names = this.list();
      this.directory = { names, until: now + this.deps.cacheTtlMs };
      // A failed read is not kept: the next lookup asks again.
      names.catch(() => {
        if (this.directory?.names === names) {
          this.directory = undefined;
        }
      });
    }
    return this.directory.names;
  }

  private async list(): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    let cursor: string | undefined;
    do {
      const page = await this.deps.client.conversations.list({
        types: 'public_channel,private_channel',
        exclude_archived: true,
        limit: PAGE_SIZE,
        ...(cursor && { cursor }),
      });
      for (const { id, name } of page.channels ?? []) {
        if (id && name) {
          names.set(name, id);
        }
      }
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return names;
  }
}

/**
 * The triage channel's id (`multivac.slack.triageChannel`), undefined when
 * none is set; a name the bot cannot see is warned about and thrown
 * (`idOfSetting`), so that the delivery that wanted it is retried.
 */
export function triageChannelId(deps: {
  channels: SlackChannels;
  config: Pick<SlackConfig, 'triageChannel'>;
  logger: LoggerService;
}): Promise<string | undefined> {
  const { triageChannel } = deps.config;
  return triageChannel === undefined
    ? Promise.resolve(undefined)
    : deps.channels.idOfSetting(
        'multivac.slack.triageChannel',
        triageChannel,
        deps.logger,
      );
}
