import { NotFoundError } from '@backstage/errors';
import { WebClient } from '@slack/web-api';

/** A channel id: `C...` (public or private), `G...` (older private ones). */
const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;
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
