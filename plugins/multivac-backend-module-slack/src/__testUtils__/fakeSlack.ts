import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** The scopes the README asks for, plus what the fake also checks. */
export const DEFAULT_BOT_SCOPES = [
  'app_mentions:read',
  'channels:history',
  'channels:join',
  'channels:manage',
  'channels:read',
  'chat:write',
  'commands',
  'groups:history',
  'groups:read',
  'groups:write',
  'im:write',
  'pins:read',
  'pins:write',
  'reactions:read',
  'reactions:write',
  'users:read',
  'users:read.email',
];

/** How long a `trigger_id` can open a view (Slack: 3 seconds). */
const TRIGGER_LIFETIME_MS = 3000;
/** How long a `response_url` takes messages (Slack: 30 minutes)... */
const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
/** ... and how many (Slack: 5). */
const RESPONSE_URL_MAX_USES = 5;
/** What a message posted to a `response_url` may have. */
const RESPONSE_FIELDS = [
  'text',
  'blocks',
  'attachments',
  'response_type',
  'replace_original',
  'delete_original',
  'thread_ts',
  'mrkdwn',
];
const CHANNEL_TYPES = ['public_channel', 'private_channel', 'mpim', 'im'];
const MAX_CHANNEL_NAME = 80;
const MAX_TOPIC = 250;
const MAX_TEXT = 40_000;

export interface FakeSlackUser {
  id: string;
  /** The handle, e.g. `ada.lovelace`. */
  name: string;
  email?: string;
  real_name?: string;
  tz?: string;
  is_bot?: boolean;
  /** The user's home workspace; default the fake's (`FAKE_TEAM_ID`). */
  team_id?: string;
  /** Set for users of an Enterprise Grid organisation. */
  enterprise_id?: string;
  /** A multi-channel guest. */
  is_restricted?: boolean;
  /** A single-channel guest. */
  is_ultra_restricted?: boolean;
  /** Someone of another organisation met in a Slack Connect channel. */
  is_stranger?: boolean;
  /** Default true. */
  is_email_confirmed?: boolean;
}

export interface FakeSlackChannelSeed {
  name: string;
  is_private?: boolean;
  /** The workspace's #general: it cannot be archived. */
  is_general?: boolean;
  /** User ids; add the bot's (`FAKE_BOT_USER_ID`) to make it a member. */
  members?: string[];
  topic?: string;
}

export interface FakeSlackOptions {
  /** The bot token accepted. Default `xoxb-fake-bot-token`. */
  botToken?: string;
  /** The app-level token `apps.connections.open` accepts, if any. */
  appToken?: string;
  /** Scopes of the bot token. Default `DEFAULT_BOT_SCOPES`. */
  scopes?: string[];
  users?: FakeSlackUser[];
  channels?: FakeSlackChannelSeed[];
}

/** A Web API call as received, and what the fake answered. */
export interface FakeSlackCall {
  method: string;
  /** Form fields are strings; JSON keeps its types. */
  args: Record<string, unknown>;
  contentType?: string;
  /** From `Authorization: Bearer`, or the `token` argument of a form. */
  token?: string;
  status: number;
  response: Record<string, unknown>;
}

export interface FakeSlackChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_archived: boolean;
  is_general: boolean;
  topic: string;
  members: string[];
  /** `ts` of the pinned messages. */
  pins: string[];
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  user: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** `ts` of the last `chat.update`, if any. */
  edited?: string;
  reactions: Array<{ name: string; users: string[] }>;
}

export interface FakeSlackEphemeral {
  channel: string;
  user: string;
  text?: string;
  blocks?: unknown[];
  message_ts: string;
}

/** A post to a `response_url`, as received, and what the fake answered. */
export interface FakeSlackResponse {
  url: string;
  /** Who and where the URL was issued for; unset for an unknown URL. */
  userId?: string;
  channelId?: string;
  /** The JSON body; empty when it was not JSON. */
  body: Record<string, unknown>;
  /** 200 when taken; else 400, 404 or 405 with `error`. */
  status: number;
  error?: string;
}

export interface FakeSlackView {
  id: string;
  hash: string;
  /** Who it was opened for. */
  user: string;
  /** The view as the bot sent it. */
  view: Record<string, unknown>;
}

export interface FakeSlack {
  /** Web API base URL: `new WebClient(token, { slackApiUrl: fake.url })`. */
  url: string;
  /** Origin of its `response_url`s (`multivac.slack.hooksUrl`), ending with `/`. */
  hooksUrl: string;
  botToken: string;
  botUserId: string;
  /** Every call, rejected ones included, in order. */
  calls: FakeSlackCall[];
  callsTo(method: string): FakeSlackCall[];
  /** A channel by id or name. */
  channel(idOrName: string): FakeSlackChannel | undefined;
  /** Messages of a channel, oldest first. */
  messages(channelId: string): FakeSlackMessage[];
  ephemerals(channelId: string): FakeSlackEphemeral[];
  views(): FakeSlackView[];
  /**
   * A `trigger_id` as Slack puts in the commands and interactions of
   * `userId`: `views.open` accepts it once, within 3 seconds, and opens the
   * view for that user. Other trigger ids are `invalid_trigger_id`.
   */
  newTriggerId(userId: string): string;
  /**
   * A `response_url` as Slack puts in a slash command (`commands`, the
   * default) or a click (`actions`) of `userId` in `channelId`: it takes a
   * JSON message up to 5 times within 30 minutes.
   */
  newResponseUrl(options: {
    userId: string;
    channelId: string;
    kind?: 'commands' | 'actions';
  }): string;
  /** Makes `url` answer 404 `expired_url`, as it does 30 minutes on. */
  expireResponseUrl(url: string): void;
  /** Every post to a response URL, rejected ones included, in order. */
  responses(): FakeSlackResponse[];
  /** The next call of `method` answers `{ ok: false, error, ...extra }`. */
  failNext(
    method: string,
    error: string,
    extra?: Record<string, unknown>,
  ): void;
  /** The next call of `method` answers 429 with `Retry-After`. */
  rateLimitNext(method: string, retryAfterSeconds?: number): void;
  /**
   * Holds the next call of `method` (whose arguments match, if `matches` is
   * given) without answering it or doing anything, as a Slack that stalls;
   * it is dropped when the caller hangs up. Resolves once the call arrived.
   */
  stallNext(
    method: string,
    matches?: (args: Record<string, unknown>) => boolean,
  ): Promise<void>;
  /**
   * Takes `scope` from the bot token: from now on `method`, and any other
   * method needing it, answers `missing_scope`.
   */
  missingScope(method: string, scope: string): void;
  /** Gives the bot token `scope` (back), as reinstalling the app does. */
  grantScope(scope: string): void;
  /**
   * A message `userId` typed in a channel (a reply when `threadTs` is
   * given); Slack keeps its text with `&`, `<` and `>` escaped. Returns its
   * `ts`.
   */
  postAs(
    userId: string,
    channelIdOrName: string,
    text: string,
    threadTs?: string,
  ): string;
  close(): Promise<void>;
}

export const FAKE_BOT_USER_ID = 'U0BOT';
const FAKE_BOT_ID = 'B0BOT';
/** The workspace of the fake, as in the payloads of `slackPayloads`. */
export const FAKE_TEAM_ID = 'T0001';

/** An `{ ok: false }` answer. */
class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

interface ChannelState {
  id: string;
  name: string;
  is_private: boolean;
  is_archived: boolean;
  is_general: boolean;
  created: number;
  creator: string;
  topic: { value: string; creator: string; last_set: number };
  members: Set<string>;
  pins: Set<string>;
}

interface MessageState extends Omit<FakeSlackMessage, 'reactions'> {
  reactions: Map<string, string[]>;
}

type Args = Record<string, unknown>;

interface MethodSpec {
  /** Arguments whose absence is `invalid_arguments`, per Slack's spec. */
  required: string[];
  /** Every scope the method may need; the first unless `scope` says. */
  scopes: string[];
  scope?(args: Args): string;
  /** The app-level token instead of the bot token. */
  appToken?: boolean;
  handle(args: Args): Record<string, unknown>;
}

/**
 * A strict stand-in for Slack's Web API on 127.0.0.1, for the real
 * `WebClient`: the methods the bot uses, with Slack's checks (token, content
 * type, scopes, required arguments, channel membership, name rules) and
 * answers (HTTP 200 with `{ ok: false, error }`, 429 with `Retry-After`),
 * keeping channels, messages, pins, reactions and views in memory.
 */
export async function startFakeSlack(
  options: FakeSlackOptions = {},
): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-fake-bot-token';
  const scopes = new Set(options.scopes ?? DEFAULT_BOT_SCOPES);
  const users = new Map<string, FakeSlackUser>(
    [
      { id: FAKE_BOT_USER_ID, name: 'multivac', is_bot: true },
      ...(options.users ?? []),
    ].map(u => [u.id, u]),
  );
  const channels = new Map<string, ChannelState>();
  const messages = new Map<string, MessageState[]>();
  const ephemerals: FakeSlackEphemeral[] = [];
  const views = new Map<string, FakeSlackView>();
  const triggers = new Map<
    string,
    { userId: string; issuedAt: number; used: boolean }
  >();
  const responseUrls = new Map<
    string,
    { userId: string; channelId: string; issuedAt: number; uses: number }
  >();
  const responses: FakeSlackResponse[] = [];
  let hooksUrl = '';
  const calls: FakeSlackCall[] = [];
  const failures = new Map<string, SlackApiError[]>();
  const stalls: Array<{
    method: string;
    matches: (args: Record<string, unknown>) => boolean;
    arrived: () => void;
  }> = [];
  const rateLimits = new Map<string, number[]>();
  let sequence = 0;
  const next = () => ++sequence;

  function addChannel(
    seed: FakeSlackChannelSeed,
    creator: string,
    idPrefix: 'C' | 'D' = 'C',
  ): ChannelState {
    const now = unixSeconds();
    const channel: ChannelState = {
      id: `${idPrefix}${String(next()).padStart(9, '0')}`,
      name: seed.name,
      is_private: seed.is_private ?? false,
      is_archived: false,
      is_general: seed.is_general ?? false,
      created: now,
      creator,
      topic: { value: seed.topic ?? '', creator, last_set: now },
      members: new Set(seed.members ?? []),
      pins: new Set(),
    };
    channels.set(channel.id, channel);
    messages.set(channel.id, []);
    return channel;
  }
  for (const seed of options.channels ?? []) {
    addChannel(seed, FAKE_BOT_USER_ID);
  }

  /** Slack's `ts`: unique, increasing, seconds with 6 decimals. */
  const newTs = () => `${unixSeconds()}.${String(next()).padStart(6, '0')}`;

  /** The channel the bot can see: public ones, private ones it is in. */
  function visibleChannel(args: Args): ChannelState {
    const channel = channels.get(stringArg(args, 'channel') ?? '');
    if (
      !channel ||
      (channel.is_private && !channel.members.has(FAKE_BOT_USER_ID))
    ) {
      throw new SlackApiError('channel_not_found');
    }
    return channel;
  }
  const channelScope = (write: boolean) => (args: Args) => {
    const isPrivate = channels.get(
      stringArg(args, 'channel') ?? '',
    )?.is_private;
    if (write) {
      return isPrivate ? 'groups:write' : 'channels:manage';
    }
    return isPrivate ? 'groups:read' : 'channels:read';
  };
  function requireMember(channel: ChannelState, error = 'not_in_channel') {
    if (!channel.members.has(FAKE_BOT_USER_ID)) {
      throw new SlackApiError(error);
    }
  }
  function requireActive(channel: ChannelState) {
    if (channel.is_archived) {
      throw new SlackApiError('is_archived');
    }
  }
  function findMessage(channel: ChannelState, ts: string | undefined) {
    const message = messages.get(channel.id)!.find(m => m.ts === ts);
    if (!message) {
      throw new SlackApiError('message_not_found');
    }
    return message;
  }
  function channelJson(channel: ChannelState) {
    return {
      id: channel.id,
      name: channel.name,
      is_channel: true,
      is_group: false,
      is_im: false,
      is_private: channel.is_private,
      is_archived: channel.is_archived,
      is_general: channel.is_general,
      is_member: channel.members.has(FAKE_BOT_USER_ID),
      created: channel.created,
      creator: channel.creator,
      topic: { ...channel.topic },
      purpose: { value: '', creator: '', last_set: 0 },
      num_members: channel.members.size,
    };
  }
  function userJson(user: FakeSlackUser) {
    return {
      id: user.id,
      team_id: user.team_id ?? FAKE_TEAM_ID,
      name: user.name,
      real_name: user.real_name ?? user.name,
      deleted: false,
      is_bot: user.is_bot ?? false,
      is_restricted: user.is_restricted ?? false,
      is_ultra_restricted: user.is_ultra_restricted ?? false,
      ...(user.is_stranger && { is_stranger: true }),
      is_email_confirmed: user.is_email_confirmed ?? true,
      ...(user.enterprise_id && {
        enterprise_user: {
          id: user.id,
          enterprise_id: user.enterprise_id,
          enterprise_name: 'Fake Grid',
          is_admin: false,
          is_owner: false,
          teams: [user.team_id ?? FAKE_TEAM_ID],
        },
      }),
      tz: user.tz ?? 'Europe/London',
      profile: {
        email: user.email,
        real_name: user.real_name ?? user.name,
        display_name: user.name,
      },
    };
  }
  function messageJson(message: MessageState) {
    return {
      type: 'message',
      user: message.user,
      ...(message.user === FAKE_BOT_USER_ID && { bot_id: FAKE_BOT_ID }),
      ts: message.ts,
      // Slack's messages always have a text, empty when only blocks say it.
      text: message.text ?? '',
      ...(message.blocks && { blocks: message.blocks }),
      ...(message.thread_ts && { thread_ts: message.thread_ts }),
      ...(message.edited && {
        edited: { user: message.user, ts: message.edited },
      }),
    };
  }
  function repliesTo(message: MessageState): MessageState[] {
    return messages
      .get(message.channel)!
      .filter(m => m.thread_ts === message.ts && m.ts !== message.ts);
  }
  /** `oldest` and `latest` bound a time range; `inclusive` keeps its ends. */
  function inRange(args: Args) {
    const bound = (name: 'oldest' | 'latest') => {
      const value = stringArg(args, name);
      if (value !== undefined && !/^\d+(\.\d+)?$/.test(value)) {
        throw new SlackApiError(`invalid_ts_${name}`);
      }
      return value;
    };
    const oldest = bound('oldest');
    const latest = bound('latest');
    const inclusive = booleanArg(args, 'inclusive');
    return (ts: string) => {
      const afterOldest = oldest === undefined || compareTs(ts, oldest) > 0;
      const beforeLatest = latest === undefined || compareTs(ts, latest) < 0;
      const atEnd =
        inclusive && (ts === normalTs(oldest) || ts === normalTs(latest));
      return (afterOldest && beforeLatest) || atEnd;
    };
  }
  function limitArg(args: Args, fallback: number) {
    const limit = Number(stringArg(args, 'limit') ?? fallback);
    return Number.isInteger(limit) && limit > 0
      ? Math.min(limit, 999)
      : fallback;
  }
  /** Reading messages needs the history scope of the conversation's kind. */
  const historyScope = (args: Args) => {
    const id = stringArg(args, 'channel') ?? '';
    if (id.startsWith('D')) {
      return 'im:history';
    }
    return channels.get(id)?.is_private ? 'groups:history' : 'channels:history';
  };

  /** `text` and `blocks` of a chat method, checked as Slack does. */
  function content(args: Args) {
    const text = stringArg(args, 'text');
    const blocks = blocksArg(args);
    if (!text && !blocks && args.attachments === undefined) {
      throw new SlackApiError('no_text');
    }
    if (text && text.length > MAX_TEXT) {
      throw new SlackApiError('msg_too_long');
    }
    return { text, blocks };
  }

  function viewArg(args: Args): Record<string, unknown> {
    const view = jsonArg(args, 'view');
    const invalid = (message: string) =>
      new SlackApiError('invalid_arguments', {
        response_metadata: {
          messages: [`[ERROR] ${message} [json-pointer:/view]`],
        },
      });
    if (!isObject(view)) {
      throw invalid('view must be a JSON object');
    }
    if (view.type !== 'modal') {
      throw invalid('must be a modal view: type modal');
    }
    if (!isObject(view.title)) {
      throw invalid('missing required field: title');
    }
    if (!Array.isArray(view.blocks)) {
      throw invalid('missing required field: blocks');
    }
    return view;
  }
  function viewJson(stored: FakeSlackView) {
    return {
      ...stored.view,
      id: stored.id,
      hash: stored.hash,
      team_id: FAKE_TEAM_ID,
      app_id: 'A0FAKE',
      bot_id: FAKE_BOT_ID,
      callback_id: stored.view.callback_id ?? '',
      private_metadata: stored.view.private_metadata ?? '',
      state: { values: {} },
    };
  }
  const newViewHash = () =>
    `${unixSeconds()}.${randomBytes(4).toString('hex')}`;

  const methods: Record<string, MethodSpec> = {
    'auth.test': {
      required: [],
      scopes: [],
      handle: () => ({
        url: 'https://fake.slack.com/',
        team: 'Fake',
        user: 'multivac',
        team_id: FAKE_TEAM_ID,
        user_id: FAKE_BOT_USER_ID,
        bot_id: FAKE_BOT_ID,
      }),
    },
    'apps.connections.open': {
      required: [],
      scopes: [],
      appToken: true,
      // Socket Mode itself is not faked: nothing answers at this URL.
      handle: () => ({
        url: `wss://fake-slack.invalid/link/?ticket=${randomBytes(8).toString(
          'hex',
        )}`,
      }),
    },
    'chat.postMessage': {
      required: ['channel'],
      scopes: ['chat:write'],
      handle(args) {
        const channel = visibleChannel(args);
        if (!(scopes.has('chat:write.public') && !channel.is_private)) {
          requireMember(channel);
        }
        requireActive(channel);
        const message: MessageState = {
          channel: channel.id,
          ts: newTs(),
          user: FAKE_BOT_USER_ID,
          ...content(args),
          thread_ts: stringArg(args, 'thread_ts'),
          reactions: new Map(),
        };
        messages.get(channel.id)!.push(message);
        return {
          channel: channel.id,
          ts: message.ts,
          message: messageJson(message),
        };
      },
    },
    'chat.postEphemeral': {
      required: ['channel', 'user'],
      scopes: ['chat:write'],
      handle(args) {
        const channel = visibleChannel(args);
        requireActive(channel);
        const user = stringArg(args, 'user')!;
        if (!channel.members.has(user)) {
          throw new SlackApiError('user_not_in_channel');
        }
        const ephemeral = {
          channel: channel.id,
          user,
          ...content(args),
          message_ts: newTs(),
        };
        ephemerals.push(ephemeral);
        return { message_ts: ephemeral.message_ts };
      },
    },
    'chat.update': {
      required: ['channel', 'ts'],
      scopes: ['chat:write'],
      handle(args) {
        const channel = visibleChannel(args);
        const message = findMessage(channel, stringArg(args, 'ts'));
        if (message.user !== FAKE_BOT_USER_ID) {
          throw new SlackApiError('cant_update_message');
        }
        Object.assign(message, content(args), { edited: newTs() });
        return {
          channel: channel.id,
          ts: message.ts,
          text: message.text,
          message: messageJson(message),
        };
      },
    },
    'chat.getPermalink': {
      required: ['channel', 'message_ts'],
      scopes: [],
      handle(args) {
        const channel = visibleChannel(args);
        const message = findMessage(channel, stringArg(args, 'message_ts'));
        const thread =
          message.thread_ts && message.thread_ts !== message.ts
            ? `?thread_ts=${message.thread_ts}&cid=${channel.id}`
            : '';
        return {
          channel: channel.id,
          permalink: `https://fake.slack.com/archives/${
            channel.id
          }/p${message.ts.replace('.', '')}${thread}`,
        };
      },
    },
    'conversations.create': {
      required: [],
      scopes: ['channels:manage', 'groups:write'],
      scope: args =>
        booleanArg(args, 'is_private') ? 'groups:write' : 'channels:manage',
      handle(args) {
        const name = stringArg(args, 'name') ?? '';
        checkChannelName(name);
        if ([...channels.values()].some(c => c.name === name)) {
          throw new SlackApiError('name_taken');
        }
        const channel = addChannel(
          {
            name,
            is_private: booleanArg(args, 'is_private'),
            members: [FAKE_BOT_USER_ID],
          },
          FAKE_BOT_USER_ID,
        );
        return { channel: channelJson(channel) };
      },
    },
    'conversations.invite': {
      required: ['channel'],
      scopes: ['channels:manage', 'groups:write'],
      scope: channelScope(true),
      handle(args) {
        const channel = visibleChannel(args);
        const invited = (stringArg(args, 'users') ?? '')
          .split(',')
          .map(id => id.trim())
          .filter(Boolean);
        if (invited.length === 0) {
          throw new SlackApiError('no_user');
        }
        if (invited.length > 1000) {
          throw new SlackApiError('too_many_users');
        }
        requireActive(channel);
        requireMember(channel);
        for (const id of invited) {
          if (id === FAKE_BOT_USER_ID) {
            throw new SlackApiError('cant_invite_self');
          }
          if (!users.has(id)) {
            throw new SlackApiError('user_not_found');
          }
          if (channel.members.has(id)) {
            throw new SlackApiError('already_in_channel');
          }
        }
        invited.forEach(id => channel.members.add(id));
        return { channel: channelJson(channel) };
      },
    },
    'conversations.setTopic': {
      required: ['channel', 'topic'],
      scopes: ['channels:manage', 'groups:write'],
      scope: channelScope(true),
      handle(args) {
        const channel = visibleChannel(args);
        requireActive(channel);
        requireMember(channel);
        const topic = stringArg(args, 'topic')!;
        if (topic.length > MAX_TOPIC) {
          throw new SlackApiError('too_long');
        }
        channel.topic = {
          value: topic,
          creator: FAKE_BOT_USER_ID,
          last_set: unixSeconds(),
        };
        return { channel: channelJson(channel) };
      },
    },
    'conversations.archive': {
      required: ['channel'],
      scopes: ['channels:manage', 'groups:write'],
      scope: channelScope(true),
      handle(args) {
        const channel = visibleChannel(args);
        if (channel.is_general) {
          throw new SlackApiError('cant_archive_general');
        }
        if (channel.is_archived) {
          throw new SlackApiError('already_archived');
        }
        channel.is_archived = true;
        return {};
      },
    },
    'conversations.join': {
      required: ['channel'],
      scopes: ['channels:join'],
      handle(args) {
        const channel = visibleChannel(args);
        if (channel.is_private) {
          throw new SlackApiError('method_not_supported_for_channel_type');
        }
        requireActive(channel);
        const already = channel.members.has(FAKE_BOT_USER_ID);
        channel.members.add(FAKE_BOT_USER_ID);
        return {
          channel: channelJson(channel),
          ...(already && {
            warning: 'already_in_channel',
            response_metadata: { warnings: ['already_in_channel'] },
          }),
        };
      },
    },
    'conversations.open': {
      required: ['users'],
      scopes: ['im:write'],
      handle(args) {
        const userId = stringArg(args, 'users')!;
        if (userId.includes(',')) {
          throw new SlackApiError('method_not_supported_for_channel_type');
        }
        if (!users.has(userId)) {
          throw new SlackApiError('user_not_found');
        }
        // One direct message channel per user, private to them and the bot.
        const dm =
          [...channels.values()].find(c => c.name === `dm-${userId}`) ??
          addChannel(
            {
              name: `dm-${userId}`,
              is_private: true,
              members: [FAKE_BOT_USER_ID, userId],
            },
            FAKE_BOT_USER_ID,
            'D',
          );
        return { channel: { id: dm.id } };
      },
    },
    'conversations.list': {
      required: [],
      scopes: ['channels:read', 'groups:read'],
      // Each kind of channel asked for needs its scope.
      scope(args) {
        const types = channelTypes(args);
        const needed = [
          ...(types.includes('public_channel') ? ['channels:read'] : []),
          ...(types.includes('private_channel') ? ['groups:read'] : []),
        ];
        return needed.find(scope => !scopes.has(scope)) ?? 'channels:read';
      },
      handle(args) {
        const types = channelTypes(args);
        const excludeArchived = booleanArg(args, 'exclude_archived');
        // Private channels only when the bot is in them; no DMs (im, mpim).
        const listed = [...channels.values()].filter(
          c =>
            !c.id.startsWith('D') &&
            (c.is_private
              ? types.includes('private_channel') &&
                c.members.has(FAKE_BOT_USER_ID)
              : types.includes('public_channel')) &&
            !(excludeArchived && c.is_archived),
        );
        const cursor = stringArg(args, 'cursor');
        const offset = cursor ? cursorOffset(cursor) : 0;
        const limit = limitArg(args, 100);
        const more = offset + limit < listed.length;
        return {
          channels: listed.slice(offset, offset + limit).map(channelJson),
          response_metadata: {
            next_cursor: more ? cursorOf(offset + limit) : '',
          },
        };
      },
    },
    'conversations.info': {
      required: ['channel'],
      scopes: ['channels:read', 'groups:read'],
      scope: channelScope(false),
      handle: args => ({ channel: channelJson(visibleChannel(args)) }),
    },
    'conversations.history': {
      required: ['channel'],
      scopes: ['channels:history', 'groups:history', 'im:history'],
      scope: historyScope,
      handle(args) {
        const channel = visibleChannel(args);
        requireMember(channel);
        const wanted = inRange(args);
        // Newest first; replies stay in their thread.
        const found = messages
          .get(channel.id)!
          .filter(m => !m.thread_ts || m.thread_ts === m.ts)
          .filter(m => wanted(m.ts))
          .reverse();
        const limit = limitArg(args, 100);
        return {
          messages: found.slice(0, limit).map(messageJson),
          has_more: found.length > limit,
          pin_count: channel.pins.size,
          channel_actions_ts: null,
          channel_actions_count: 0,
        };
      },
    },
    'conversations.replies': {
      required: ['channel', 'ts'],
      scopes: ['channels:history', 'groups:history', 'im:history'],
      scope: historyScope,
      handle(args) {
        const channel = visibleChannel(args);
        requireMember(channel);
        const ts = stringArg(args, 'ts');
        const message = messages.get(channel.id)!.find(m => m.ts === ts);
        if (!message) {
          throw new SlackApiError('thread_not_found');
        }
        const parent =
          message.thread_ts && message.thread_ts !== message.ts
            ? findMessage(channel, message.thread_ts)
            : message;
        const replies = repliesTo(parent);
        const wanted = inRange(args);
        // The parent first, then its replies, oldest first.
        const found = [parent, ...replies.filter(m => wanted(m.ts))];
        const limit = limitArg(args, 1000);
        return {
          messages: found.slice(0, limit).map(m =>
            m === parent
              ? {
                  ...messageJson(m),
                  ...(replies.length > 0 && {
                    thread_ts: m.ts,
                    reply_count: replies.length,
                    subscribed: false,
                  }),
                }
              : { ...messageJson(m), parent_user_id: parent.user },
          ),
          has_more: found.length > limit,
        };
      },
    },
    'pins.add': {
      required: ['channel'],
      scopes: ['pins:write'],
      handle(args) {
        const channel = visibleChannel(args);
        const ts = stringArg(args, 'timestamp');
        if (!ts) {
          throw new SlackApiError('no_item_specified');
        }
        findMessage(channel, ts);
        if (channel.pins.has(ts)) {
          throw new SlackApiError('already_pinned');
        }
        channel.pins.add(ts);
        return {};
      },
    },
    'reactions.add': {
      required: ['channel', 'name', 'timestamp'],
      scopes: ['reactions:write'],
      handle(args) {
        const channel = visibleChannel(args);
        const name = stringArg(args, 'name')!;
        if (!/^[a-z0-9_+'-]+$/.test(name)) {
          throw new SlackApiError('invalid_name');
        }
        const message = findMessage(channel, stringArg(args, 'timestamp'));
        const reactedBy = message.reactions.get(name) ?? [];
        if (reactedBy.includes(FAKE_BOT_USER_ID)) {
          throw new SlackApiError('already_reacted');
        }
        message.reactions.set(name, [...reactedBy, FAKE_BOT_USER_ID]);
        return {};
      },
    },
    'users.lookupByEmail': {
      required: ['email'],
      scopes: ['users:read.email'],
      handle(args) {
        const email = stringArg(args, 'email')!.toLowerCase();
        const user = [...users.values()].find(
          u => u.email?.toLowerCase() === email,
        );
        if (!user) {
          throw new SlackApiError('users_not_found');
        }
        return { user: userJson(user) };
      },
    },
    'users.info': {
      required: ['user'],
      scopes: ['users:read'],
      handle(args) {
        const user = users.get(stringArg(args, 'user')!);
        if (!user) {
          throw new SlackApiError('user_not_found');
        }
        return { user: userJson(user) };
      },
    },
    'views.open': {
      required: ['trigger_id', 'view'],
      scopes: [],
      handle(args) {
        const triggerId = stringArg(args, 'trigger_id')!;
        const trigger = triggers.get(triggerId);
        if (!trigger) {
          throw new SlackApiError('invalid_trigger_id');
        }
        if (trigger.used) {
          throw new SlackApiError('exchanged_trigger_id');
        }
        if (Date.now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) {
          throw new SlackApiError('expired_trigger_id');
        }
        const view = viewArg(args);
        trigger.used = true;
        const stored: FakeSlackView = {
          id: `V${String(next()).padStart(9, '0')}`,
          hash: newViewHash(),
          user: trigger.userId,
          view,
        };
        views.set(stored.id, stored);
        return { view: viewJson(stored) };
      },
    },
    'views.update': {
      required: ['view'],
      scopes: [],
      handle(args) {
        const viewId = stringArg(args, 'view_id');
        const externalId = stringArg(args, 'external_id');
        if (!viewId && !externalId) {
          throw new SlackApiError('invalid_arguments', {
            response_metadata: {
              messages: ['[ERROR] either view_id or external_id is required'],
            },
          });
        }
        const stored = viewId
          ? views.get(viewId)
          : [...views.values()].find(v => v.view.external_id === externalId);
        if (!stored) {
          throw new SlackApiError('not_found');
        }
        const hash = stringArg(args, 'hash');
        if (hash && hash !== stored.hash) {
          throw new SlackApiError('hash_conflict');
        }
        stored.view = viewArg(args);
        stored.hash = newViewHash();
        return { view: viewJson(stored) };
      },
    },
  };

  /**
   * A message posted to a response URL, checked as Slack does: a JSON
   * object of the message fields only, with a text (or blocks), and a
   * `response_type` of `ephemeral` or `in_channel`. Stricter than Slack,
   * which ignores fields it does not know: a misspelt one is an error here.
   */
  async function respond(req: IncomingMessage, res: ServerResponse) {
    const response: FakeSlackResponse = {
      url: `${hooksUrl}${(req.url ?? '/').slice(1)}`,
      body: {},
      status: 200,
    };
    responses.push(response);
    const text = await readText(req);
    const issued = responseUrls.get(response.url);
    const reject = (status: number, error: string) => {
      response.status = status;
      response.error = error;
      send(res, status, { ok: false, error });
    };
    if (req.method !== 'POST') {
      reject(405, 'invalid_method');
      return;
    }
    if (!issued) {
      reject(404, 'no_service');
      return;
    }
    response.userId = issued.userId;
    response.channelId = issued.channelId;
    if (Date.now() - issued.issuedAt > RESPONSE_URL_LIFETIME_MS) {
      reject(404, 'expired_url');
      return;
    }
    if (issued.uses >= RESPONSE_URL_MAX_USES) {
      reject(404, 'used_url');
      return;
    }
    let body: Args;
    try {
      body = parseBody(req.headers['content-type'], text);
    } catch {
      reject(400, 'invalid_payload');
      return;
    }
    response.body = body;
    const problem = responseProblem(body, req.headers['content-type']);
    if (problem) {
      reject(400, problem);
      return;
    }
    issued.uses += 1;
    send(res, 200, { ok: true });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (/^\/(commands|actions)\//.test(url.pathname)) {
      await respond(req, res);
      return;
    }
    const method = url.pathname.match(/^\/api\/(.+)$/)?.[1] ?? '';
    const contentType = req.headers['content-type'];
    const call: FakeSlackCall = {
      method,
      args: {},
      contentType,
      status: 200,
      response: {},
    };
    calls.push(call);
    const answer = (status: number, body: Record<string, unknown>) => {
      call.status = status;
      call.response = body;
      send(res, status, body, { 'X-OAuth-Scopes': [...scopes].join(',') });
    };
    const spec = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!spec) {
      // Slack answers unknown methods with a 404, not an `ok: false` 200.
      answer(404, { ok: false, error: 'unknown_method', req_method: method });
      return;
    }
    try {
      const body = parseBody(contentType, await readText(req));
      call.args = { ...Object.fromEntries(url.searchParams), ...body };
      // Besides the header, Slack takes a token from a form body only: not
      // from a JSON body nor the query string.
      call.token =
        req.headers.authorization?.match(/^Bearer (.+)$/)?.[1] ??
        (contentType?.startsWith('application/x-www-form-urlencoded')
          ? stringArg(body, 'token')
          : undefined);
      authenticate(spec, call.token);
      const stall = stalls.findIndex(
        st => st.method === method && st.matches(call.args),
      );
      if (stall >= 0) {
        const [{ arrived }] = stalls.splice(stall, 1);
        call.status = 0;
        arrived();
        await new Promise(resolve => res.on('close', resolve));
        return;
      }

      const retryAfter = rateLimits.get(method)?.shift();
      if (retryAfter !== undefined) {
        res.setHeader('Retry-After', String(retryAfter));
        answer(429, { ok: false, error: 'ratelimited' });
        return;
      }
      const failure = failures.get(method)?.shift();
      if (failure) {
        throw failure;
      }
      const needed = spec.scope?.(call.args) ?? spec.scopes[0];
      if (needed && !spec.appToken && !scopes.has(needed)) {
        throw new SlackApiError('missing_scope', {
          needed,
          provided: [...scopes].join(','),
        });
      }
      const missing = spec.required.filter(
        name => call.args[name] === undefined,
      );
      if (missing.length > 0) {
        throw new SlackApiError('invalid_arguments', {
          response_metadata: {
            messages: missing.map(
              name => `[ERROR] missing required field: ${name}`,
            ),
          },
        });
      }
      answer(200, { ok: true, ...spec.handle(call.args) });
    } catch (error) {
      if (!(error instanceof SlackApiError)) {
        throw error;
      }
      answer(200, { ok: false, error: error.error, ...error.extra });
    }
  }

  function authenticate(spec: MethodSpec, token: string | undefined) {
    if (!token) {
      throw new SlackApiError('not_authed');
    }
    const expected = spec.appToken ? options.appToken : botToken;
    if (token === expected) {
      return;
    }
    const otherKind = spec.appToken ? botToken : options.appToken;
    throw new SlackApiError(
      token === otherKind ? 'not_allowed_token_type' : 'invalid_auth',
    );
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(error => send(res, 500, { error: String(error) }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  hooksUrl = `http://127.0.0.1:${port}/`;

  const snapshotChannel = (channel: ChannelState): FakeSlackChannel => ({
    id: channel.id,
    name: channel.name,
    is_private: channel.is_private,
    is_archived: channel.is_archived,
    is_general: channel.is_general,
    topic: channel.topic.value,
    members: [...channel.members],
    pins: [...channel.pins],
  });

  return {
    url: `${hooksUrl}api/`,
    hooksUrl,
    botToken,
    botUserId: FAKE_BOT_USER_ID,
    calls,
    callsTo: method => calls.filter(call => call.method === method),
    channel(idOrName) {
      const channel =
        channels.get(idOrName) ??
        [...channels.values()].find(c => c.name === idOrName);
      return channel && snapshotChannel(channel);
    },
    messages: channelId =>
      (messages.get(channelId) ?? []).map(message => ({
        ...message,
        reactions: [...message.reactions].map(([name, by]) => ({
          name,
          users: [...by],
        })),
      })),
    ephemerals: channelId => ephemerals.filter(e => e.channel === channelId),
    views: () => [...views.values()],
    newResponseUrl({ userId, channelId, kind = 'commands' }) {
      const url = `${hooksUrl}${kind}/${FAKE_TEAM_ID}/${next()}/${randomBytes(
        12,
      ).toString('hex')}`;
      responseUrls.set(url, {
        userId,
        channelId,
        issuedAt: Date.now(),
        uses: 0,
      });
      return url;
    },
    expireResponseUrl(url) {
      const issued = responseUrls.get(url);
      if (!issued) {
        throw new Error(`The fake Slack did not issue ${url}`);
      }
      issued.issuedAt = Date.now() - RESPONSE_URL_LIFETIME_MS - 1;
    },
    responses: () => responses.map(r => ({ ...r })),
    newTriggerId(userId) {
      const id = `${next()}.${Date.now()}.${randomBytes(16).toString('hex')}`;
      triggers.set(id, { userId, issuedAt: Date.now(), used: false });
      return id;
    },
    stallNext(method, matches = () => true) {
      return new Promise<void>(arrived => {
        stalls.push({ method, matches, arrived });
      });
    },
    failNext(method, error, extra) {
      failures.set(method, [
        ...(failures.get(method) ?? []),
        new SlackApiError(error, extra),
      ]);
    },
    rateLimitNext(method, retryAfterSeconds = 1) {
      rateLimits.set(method, [
        ...(rateLimits.get(method) ?? []),
        retryAfterSeconds,
      ]);
    },
    missingScope(method, scope) {
      if (!methods[method]?.scopes.includes(scope)) {
        throw new Error(`The fake Slack's ${method} never needs ${scope}`);
      }
      scopes.delete(scope);
    },
    grantScope(scope) {
      scopes.add(scope);
    },
    postAs(userId, channelIdOrName, text, threadTs) {
      const channel =
        channels.get(channelIdOrName) ??
        [...channels.values()].find(c => c.name === channelIdOrName);
      if (!channel || !users.has(userId)) {
        throw new Error(`No channel ${channelIdOrName} or user ${userId}`);
      }
      const message: MessageState = {
        channel: channel.id,
        ts: newTs(),
        user: userId,
        text: text
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;'),
        thread_ts: threadTs,
        reactions: new Map(),
      };
      messages.get(channel.id)!.push(message);
      return message.ts;
    },
    close() {
      // The WebClient keeps connections alive; close() would wait for them.
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close(error => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** What is wrong with a message posted to a response URL, if anything. */
function responseProblem(
  body: Args,
  contentType: string | undefined,
): string | undefined {
  if (!contentType?.startsWith('application/json')) {
    return 'invalid_payload';
  }
  const valid =
    Object.keys(body).every(key => RESPONSE_FIELDS.includes(key)) &&
    (body.response_type === undefined ||
      body.response_type === 'ephemeral' ||
      body.response_type === 'in_channel') &&
    ['replace_original', 'delete_original', 'mrkdwn'].every(
      key => body[key] === undefined || typeof body[key] === 'boolean',
    ) &&
    (body.text === undefined || typeof body.text === 'string') &&
    (body.blocks === undefined ||
      (Array.isArray(body.blocks) &&
        body.blocks.every(
          block => isObject(block) && typeof block.type === 'string',
        )));
  if (!valid) {
    return 'invalid_payload';
  }
  if (
    !body.text &&
    !body.blocks &&
    !body.attachments &&
    !body.delete_original
  ) {
    return 'no_text';
  }
  if (typeof body.text === 'string' && body.text.length > MAX_TEXT) {
    return 'msg_too_long';
  }
  return undefined;
}

/** `types` of `conversations.list`: default public channels only. */
function channelTypes(args: Args): string[] {
  const types = (stringArg(args, 'types') ?? 'public_channel')
    .split(',')
    .map(type => type.trim());
  if (types.some(type => !CHANNEL_TYPES.includes(type))) {
    throw new SlackApiError('invalid_types');
  }
  return types;
}

/** Slack's cursors are opaque: here, the offset in base64. */
function cursorOf(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

function cursorOffset(cursor: string): number {
  const match = /^offset:(\d+)$/.exec(
    Buffer.from(cursor, 'base64').toString('utf8'),
  );
  if (!match) {
    throw new SlackApiError('invalid_cursor');
  }
  return Number(match[1]);
}

/** Slack's rules for channel names, with its error for each. */
function checkChannelName(name: string) {
  if (!name) {
    throw new SlackApiError('invalid_name_required');
  }
  if (name.length > MAX_CHANNEL_NAME) {
    throw new SlackApiError('invalid_name_maxlength');
  }
  if (/^[-_]+$/.test(name)) {
    throw new SlackApiError('invalid_name_punctuation');
  }
  if (!/^[a-z0-9_-]+$/.test(name)) {
    throw new SlackApiError('invalid_name_specials');
  }
}

function parseBody(contentType: string | undefined, text: string): Args {
  if (!text) {
    return {};
  }
  const type = contentType?.split(';')[0].trim();
  if (!type) {
    throw new SlackApiError('missing_post_type');
  }
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (type === 'application/json') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (!isObject(json)) {
      throw new SlackApiError('json_not_object');
    }
    return json;
  }
  // Slack also takes multipart/form-data (file uploads); this fake does not.
  throw new SlackApiError('invalid_post_type');
}

/** A string argument; forms carry numbers and booleans as strings too. */
function stringArg(args: Args, name: string): string | undefined {
  const value = args[name];
  return value === undefined || value === null ? undefined : String(value);
}

function booleanArg(args: Args, name: string): boolean {
  return ['true', '1'].includes(stringArg(args, name) ?? '');
}

/** A JSON argument: a JSON string in a form, a value in a JSON body. */
function jsonArg(args: Args, name: string): unknown {
  const value = args[name];
  if (typeof value !== 'string') {
    return value;
  }
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function blocksArg(args: Args): unknown[] | undefined {
  if (args.blocks === undefined) {
    return undefined;
  }
  const blocks = jsonArg(args, 'blocks');
  if (!Array.isArray(blocks)) {
    throw new SlackApiError('invalid_blocks_format');
  }
  if (
    !blocks.every(block => isObject(block) && typeof block.type === 'string')
  ) {
    throw new SlackApiError('invalid_blocks');
  }
  return blocks.length > 0 ? blocks : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Slack's `ts` compared as the time it is: seconds, then microseconds. */
function compareTs(a: string, b: string): number {
  const [aSeconds, aMicros = '0'] = a.split('.');
  const [bSeconds, bMicros = '0'] = b.split('.');
  return (
    Number(aSeconds) - Number(bSeconds) ||
    Number(aMicros.padEnd(6, '0')) - Number(bMicros.padEnd(6, '0'))
  );
}

/** `1700000000.1` → `1700000000.100000`, as Slack writes a `ts`. */
function normalTs(ts: string | undefined): string | undefined {
  if (ts === undefined) {
    return undefined;
  }
  const [seconds, micros = ''] = ts.split('.');
  return `${seconds}.${micros.padEnd(6, '0')}`;
}

function unixSeconds() {
  return Math.floor(Date.now() / 1000);
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    ...headers,
  });
  res.end(JSON.stringify(body));
}
