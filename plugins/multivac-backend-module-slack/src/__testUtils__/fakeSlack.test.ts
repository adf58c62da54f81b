import {
  ErrorCode,
  Logger,
  LogLevel,
  WebClient,
  WebClientEvent,
  WebClientOptions,
} from '@slack/web-api';
import { FAKE_BOT_USER_ID, FakeSlack, startFakeSlack } from './fakeSlack';

const ADA = {
  id: 'U0ADA',
  name: 'ada.lovelace',
  email: 'ada@nimbus.example',
  real_name: 'Ada Lovelace',
};
const GRACE = {
  id: 'U0GRACE',
  name: 'grace.hopper',
  email: 'grace@nimbus.example',
};

/** The client warns about its every retry and `ok: false`; not here. */
const quiet: Logger = {
  debug: jest.fn(),
  info: jest.fn(),
  warn: jest.fn(),
  error: jest.fn(),
  getLevel: () => LogLevel.ERROR,
  setLevel: jest.fn(),
  setName: jest.fn(),
};

describe('fake Slack', () => {
  let fake: FakeSlack;
  let slack: WebClient;

  beforeEach(async () => {
    fake = await startFakeSlack({
      users: [ADA, GRACE],
      channels: [
        {
          name: 'general',
          is_general: true,
          members: [FAKE_BOT_USER_ID, ADA.id, GRACE.id],
        },
        { name: 'incidents', members: [ADA.id] },
      ],
    });
    slack = client(fake.botToken);
  });
  afterEach(() => fake.close());

  function client(token?: string, options: WebClientOptions = {}) {
    return new WebClient(token, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
      logger: quiet,
      ...options,
    });
  }
  /** The `error` of Slack's `ok: false` answer the WebClient threw. */
  async function slackError(call: Promise<unknown>) {
    const error = await call.then(
      () => {
        throw new Error('Expected the call to fail');
      },
      e => e,
    );
    expect(error.code).toBe(ErrorCode.PlatformError);
    return error.data;
  }

  it('identifies the bot', async () => {
    await expect(slack.auth.test()).resolves.toMatchObject({
      ok: true,
      user_id: FAKE_BOT_USER_ID,
      response_metadata: { scopes: expect.arrayContaining(['chat:write']) },
    });
    expect(fake.callsTo('auth.test')).toEqual([
      expect.objectContaining({
        token: fake.botToken,
        contentType: 'application/x-www-form-urlencoded',
        status: 200,
      }),
    ]);
  });

  it('answers not_authed without token and invalid_auth with a wrong one', async () => {
    await expect(slackError(client().auth.test())).resolves.toMatchObject({
      error: 'not_authed',
    });
    await expect(
      slackError(client('xoxb-guessed').auth.test()),
    ).resolves.toMatchObject({ error: 'invalid_auth' });
  });

  it('runs an incident channel from creation to archive', async () => {
    const { channel } = await slack.conversations.create({
      name: 'inc-42-payments-down',
    });
    const id = channel!.id!;
    await slack.conversations.invite({
      channel: id,
      users: `${ADA.id},${GRACE.id}`,
    });
    await slack.conversations.setTopic({
      channel: id,
      topic: 'SEV2 · payments down · IC: Ada',
    });
    const posted = await slack.chat.postMessage({
      channel: id,
      text: 'Incident declared',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*SEV2*' } }],
    });
    await slack.pins.add({ channel: id, timestamp: posted.ts! });
    await slack.reactions.add({
      channel: id,
      timestamp: posted.ts!,
      name: 'eyes',
    });
    await slack.chat.update({ channel: id, ts: posted.ts!, text: 'Resolved' });
    await slack.conversations.archive({ channel: id });

    expect(fake.channel('inc-42-payments-down')).toEqual({
      id,
      name: 'inc-42-payments-down',
      is_private: false,
      is_archived: true,
      is_general: false,
      topic: 'SEV2 · payments down · IC: Ada',
      members: [FAKE_BOT_USER_ID, ADA.id, GRACE.id],
      pins: [posted.ts],
    });
    expect(fake.messages(id)).toEqual([
      expect.objectContaining({
        ts: posted.ts,
        user: FAKE_BOT_USER_ID,
        text: 'Resolved',
        edited: expect.any(String),
        reactions: [{ name: 'eyes', users: [FAKE_BOT_USER_ID] }],
      }),
    ]);
    expect(fake.callsTo('conversations.invite')[0].args).toMatchObject({
      users: 'U0ADA,U0GRACE',
    });
  });

  it.each([
    ['', 'invalid_name_required'],
    ['x'.repeat(81), 'invalid_name_maxlength'],
    ['--', 'invalid_name_punctuation'],
    ['Inc-42', 'invalid_name_specials'],
    ['inc 42', 'invalid_name_specials'],
    ['inc.42', 'invalid_name_specials'],
    ['incidents', 'name_taken'],
  ])('refuses to create a channel named "%s": %s', async (name, error) => {
    await expect(
      slackError(slack.conversations.create({ name })),
    ).resolves.toMatchObject({ error });
  });

  it('accepts a name of 80 lowercase letters, digits, - and _', async () => {
    const name = `inc_42-${'a'.repeat(73)}`;

    await expect(slack.conversations.create({ name })).resolves.toMatchObject({
      channel: { name, is_member: true },
    });
  });

  it('makes the bot join a public channel before posting there', async () => {
    const incidents = fake.channel('incidents')!;

    await expect(
      slackError(slack.chat.postMessage({ channel: incidents.id, text: 'hi' })),
    ).resolves.toMatchObject({ error: 'not_in_channel' });
    await slack.conversations.join({ channel: incidents.id });
    await slack.chat.postMessage({ channel: incidents.id, text: 'hi' });

    expect(fake.messages(incidents.id)).toHaveLength(1);
  });

  it.each([
    [
      'a message to an archived channel',
      async (id: string) => {
        await slack.conversations.archive({ channel: id });
        return slack.chat.postMessage({ channel: id, text: 'Too late' });
      },
      'is_archived',
    ],
    [
      'an invitation of the bot itself',
      (id: string) =>
        slack.conversations.invite({ channel: id, users: FAKE_BOT_USER_ID }),
      'cant_invite_self',
    ],
    [
      'an invitation of a member',
      (id: string) =>
        slack.conversations.invite({ channel: id, users: ADA.id }),
      'already_in_channel',
    ],
    [
      'a topic over 250 characters',
      (id: string) =>
        slack.conversations.setTopic({ channel: id, topic: 'x'.repeat(251) }),
      'too_long',
    ],
    [
      'archiving #general',
      () =>
        slack.conversations.archive({ channel: fake.channel('general')!.id }),
      'cant_archive_general',
    ],
  ])('refuses %s', async (_, call, error) => {
    const { channel } = await slack.conversations.create({ name: 'inc-45' });
    await slack.conversations.invite({ channel: channel!.id!, users: ADA.id });

    await expect(slackError(call(channel!.id!))).resolves.toMatchObject({
      error,
    });
  });

  it('hides private channels the bot is not in', async () => {
    const { channel } = await slack.conversations.create({
      name: 'inc-43-secret',
      is_private: true,
    });

    await expect(
      slack.conversations.info({ channel: channel!.id! }),
    ).resolves.toMatchObject({ channel: { is_private: true } });
    await expect(
      slackError(slack.conversations.info({ channel: 'C404' })),
    ).resolves.toMatchObject({ error: 'channel_not_found' });
  });

  it('posts ephemeral messages to members only', async () => {
    const general = fake.channel('general')!;

    await slack.chat.postEphemeral({
      channel: general.id,
      user: ADA.id,
      text: 'Only you can see this',
    });
    await expect(
      slackError(
        slack.chat.postEphemeral({
          channel: fake.channel('incidents')!.id,
          user: GRACE.id,
          text: 'Not a member',
        }),
      ),
    ).resolves.toMatchObject({ error: 'user_not_in_channel' });
    expect(fake.ephemerals(general.id)).toEqual([
      expect.objectContaining({ user: ADA.id, text: 'Only you can see this' }),
    ]);
  });

  it('finds users by email, or answers users_not_found', async () => {
    await expect(
      slack.users.lookupByEmail({ email: 'Ada@Nimbus.example' }),
    ).resolves.toMatchObject({
      user: { id: ADA.id, profile: { email: ADA.email } },
    });
    await expect(
      slackError(slack.users.lookupByEmail({ email: 'nobody@nimbus.example' })),
    ).resolves.toMatchObject({ error: 'users_not_found' });
    await expect(slack.users.info({ user: GRACE.id })).resolves.toMatchObject({
      user: { name: 'grace.hopper' },
    });
  });

  describe('reading messages', () => {
    let general: string;
    let first: string;
    let second: string;
    let reply: string;

    beforeEach(() => {
      general = fake.channel('general')!.id;
      first = fake.postAs(ADA.id, general, 'We fail over now');
      second = fake.postAs(GRACE.id, general, 'Failover done');
      reply = fake.postAs(GRACE.id, general, 'standby is healthy', first);
    });

    it('reads one message of the history by its ts, newest first', async () => {
      const exact = await slack.conversations.history({
        channel: general,
        latest: first,
        inclusive: true,
        limit: 1,
      });
      const before = await slack.conversations.history({
        channel: general,
        latest: second,
        limit: 1,
      });
      const all = await slack.conversations.history({ channel: general });

      expect(exact).toMatchObject({
        ok: true,
        messages: [{ type: 'message', user: ADA.id, text: 'We fail over now' }],
        has_more: false,
        pin_count: 0,
      });
      expect(exact.messages![0]).not.toHaveProperty('bot_id');
      expect(before.messages!.map(m => m.ts)).toEqual([first]);
      // the reply stays in its thread
      expect(all.messages!.map(m => m.ts)).toEqual([second, first]);
    });

    it('reads a thread from its parent or one of its replies', async () => {
      for (const ts of [first, reply]) {
        const thread = await slack.conversations.replies({
          channel: general,
          ts,
        });
        expect(thread.messages).toEqual([
          expect.objectContaining({
            ts: first,
            thread_ts: first,
            reply_count: 1,
          }),
          expect.objectContaining({
            ts: reply,
            thread_ts: first,
            parent_user_id: ADA.id,
            text: 'standby is healthy',
          }),
        ]);
      }
      await expect(
        slack.conversations.replies({ channel: general, ts: second }),
      ).resolves.toMatchObject({
        messages: [{ ts: second, text: 'Failover done' }],
      });
      await expect(
        slackError(
          slack.conversations.replies({ channel: general, ts: '1.000001' }),
        ),
      ).resolves.toMatchObject({ error: 'thread_not_found' });
    });

    it('links to a message, and to a reply in its thread', async () => {
      const plain = await slack.chat.getPermalink({
        channel: general,
        message_ts: second,
      });
      const inThread = await slack.chat.getPermalink({
        channel: general,
        message_ts: reply,
      });

      expect(plain).toMatchObject({
        channel: general,
        permalink: `https://fake.slack.com/archives/${general}/p${second.replace(
          '.',
          '',
        )}`,
      });
      expect(inThread.permalink).toContain(
        `?thread_ts=${first}&cid=${general}`,
      );
      await expect(
        slackError(
          slack.chat.getPermalink({ channel: general, message_ts: '1.000001' }),
        ),
      ).resolves.toMatchObject({ error: 'message_not_found' });
    });

    it('needs the history scope of the channel kind, and membership', async () => {
      const incidents = fake.channel('incidents')!.id;
      fake.postAs(ADA.id, incidents, 'hello');

      await expect(
        slackError(slack.conversations.history({ channel: incidents })),
      ).resolves.toMatchObject({ error: 'not_in_channel' });
      fake.missingScope('conversations.history', 'channels:history');
      await expect(
        slackError(slack.conversations.history({ channel: general })),
      ).resolves.toMatchObject({
        error: 'missing_scope',
        needed: 'channels:history',
      });
      await expect(
        slackError(
          slack.conversations.replies({ channel: general, ts: first }),
        ),
      ).resolves.toMatchObject({ needed: 'channels:history' });
      fake.grantScope('channels:history');
      await expect(
        slack.conversations.history({ channel: general }),
      ).resolves.toMatchObject({ ok: true });
      await expect(
        slackError(
          slack.conversations.history({
            channel: general,
            latest: 'yesterday',
          }),
        ),
      ).resolves.toMatchObject({ error: 'invalid_ts_latest' });
    });
  });

  describe('views', () => {
    afterEach(() => jest.restoreAllMocks());

    const modal = {
      type: 'modal' as const,
      callback_id: 'declare-incident',
      title: { type: 'plain_text' as const, text: 'Declare incident' },
      blocks: [],
    };

    it('opens a view once per trigger, then updates it with its hash', async () => {
      const trigger_id = fake.newTriggerId(ADA.id);

      const { view } = await slack.views.open({ trigger_id, view: modal });
      await expect(
        slackError(slack.views.open({ trigger_id, view: modal })),
      ).resolves.toMatchObject({ error: 'exchanged_trigger_id' });
      await slack.views.update({
        view_id: view!.id!,
        hash: view!.hash,
        view: { ...modal, callback_id: 'declare-incident-2' },
      });
      await expect(
        slackError(
          slack.views.update({
            view_id: view!.id!,
            hash: view!.hash,
            view: modal,
          }),
        ),
      ).resolves.toMatchObject({ error: 'hash_conflict' });

      expect(fake.views()).toEqual([
        expect.objectContaining({
          id: view!.id,
          user: ADA.id,
          view: expect.objectContaining({ callback_id: 'declare-incident-2' }),
        }),
      ]);
    });

    it('refuses unknown and expired triggers', async () => {
      const trigger_id = fake.newTriggerId(ADA.id);
      const now = Date.now();
      jest.spyOn(Date, 'now').mockReturnValue(now + 3001);

      await expect(
        slackError(slack.views.open({ trigger_id, view: modal })),
      ).resolves.toMatchObject({ error: 'expired_trigger_id' });
      await expect(
        slackError(
          slack.views.open({
            trigger_id: '13345224609.738474920.80889',
            view: modal,
          }),
        ),
      ).resolves.toMatchObject({ error: 'invalid_trigger_id' });
    });
  });

  describe('malformed calls', () => {
    it('answers invalid_arguments naming each missing required argument', async () => {
      const data = await slackError(
        slack.apiCall('reactions.add', { channel: 'C1' }),
      );

      expect(data).toMatchObject({
        ok: false,
        error: 'invalid_arguments',
        response_metadata: {
          messages: [
            '[ERROR] missing required field: name',
            '[ERROR] missing required field: timestamp',
          ],
        },
      });
    });

    it.each([
      ['a message without text or blocks', 'chat.postMessage', {}, 'no_text'],
      [
        'blocks that are not an array',
        'chat.postMessage',
        { text: 'hi', blocks: '{"type":"section"}' },
        'invalid_blocks_format',
      ],
      [
        'a block without type',
        'chat.postMessage',
        { blocks: [{}] },
        'invalid_blocks',
      ],
      [
        'an invitation of nobody',
        'conversations.invite',
        { users: '' },
        'no_user',
      ],
      [
        'an unknown invitee',
        'conversations.invite',
        { users: 'U404' },
        'user_not_found',
      ],
      ['a pin of nothing', 'pins.add', {}, 'no_item_specified'],
      [
        'a pin of no message',
        'pins.add',
        { timestamp: '1.000001' },
        'message_not_found',
      ],
      [
        'an emoji name with spaces',
        'reactions.add',
        { name: 'thumbs up', timestamp: '1.1' },
        'invalid_name',
      ],
    ])('rejects %s', async (_, method, args, error) => {
      const general = fake.channel('general')!.id;

      await expect(
        slackError(slack.apiCall(method, { channel: general, ...args })),
      ).resolves.toMatchObject({ error });
    });

    it('rejects a view that is not a modal', async () => {
      const data = await slackError(
        slack.views.open({
          trigger_id: fake.newTriggerId(ADA.id),
          view: { type: 'home', blocks: [] },
        }),
      );

      expect(data).toMatchObject({
        error: 'invalid_arguments',
        response_metadata: {
          messages: [
            '[ERROR] must be a modal view: type modal [json-pointer:/view]',
          ],
        },
      });
    });

    it('answers unknown methods with a 404', async () => {
      const error = await slack.apiCall('conversations.teleport').catch(e => e);

      expect(error).toMatchObject({
        code: ErrorCode.HTTPError,
        statusCode: 404,
        body: {
          ok: false,
          error: 'unknown_method',
          req_method: 'conversations.teleport',
        },
      });
      expect(fake.callsTo('conversations.teleport')).toHaveLength(1);
    });

    it.each([
      [
        'JSON that does not parse',
        'application/json',
        '{"channel":',
        'invalid_json',
      ],
      [
        'JSON that is not an object',
        'application/json',
        '["C1"]',
        'json_not_object',
      ],
      ['XML', 'text/xml', '<channel>C1</channel>', 'invalid_post_type'],
    ])('rejects %s like Slack', async (_, contentType, body, error) => {
      const response = await fetch(`${fake.url}conversations.info`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${fake.botToken}`,
          'Content-Type': contentType,
        },
        body,
      });

      expect(response.status).toBe(200);
      await expect(response.json()).resolves.toEqual({ ok: false, error });
    });

    it('takes arguments and token as JSON too, the token from the header only', async () => {
      const general = fake.channel('general')!.id;
      const post = (headers: Record<string, string>, body: object) =>
        fetch(`${fake.url}conversations.info`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            ...headers,
          },
          body: JSON.stringify(body),
        }).then(r => r.json());

      await expect(
        post(
          { Authorization: `Bearer ${fake.botToken}` },
          { channel: general },
        ),
      ).resolves.toMatchObject({ ok: true, channel: { name: 'general' } });
      await expect(
        post({}, { channel: general, token: fake.botToken }),
      ).resolves.toEqual({ ok: false, error: 'not_authed' });
    });
  });

  describe('failures on demand', () => {
    it('fails the next call of a method with the given error', async () => {
      const general = fake.channel('general')!.id;
      fake.failNext('chat.postMessage', 'channel_not_found');

      await expect(
        slackError(slack.chat.postMessage({ channel: general, text: 'one' })),
      ).resolves.toEqual(
        expect.objectContaining({ ok: false, error: 'channel_not_found' }),
      );
      await expect(
        slack.chat.postMessage({ channel: general, text: 'two' }),
      ).resolves.toMatchObject({ ok: true });
    });

    it('answers missing_scope with the scope needed and those provided', async () => {
      fake.missingScope('pins.add', 'pins:write');

      const data = await slackError(
        slack.pins.add({
          channel: fake.channel('general')!.id,
          timestamp: '1.1',
        }),
      );

      expect(data).toMatchObject({
        error: 'missing_scope',
        needed: 'pins:write',
      });
      expect(data.provided.split(',')).not.toContain('pins:write');
      expect(data.provided.split(',')).toContain('chat:write');
      expect(() => fake.missingScope('auth.test', 'pins:write')).toThrow(
        "The fake Slack's auth.test never needs pins:write",
      );
    });

    it('rate-limits a call, which the WebClient retries after Retry-After', async () => {
      fake.rateLimitNext('conversations.create', 1);
      const retrying = client(fake.botToken, {
        retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
      });
      const rateLimited = jest.fn();
      retrying.on(WebClientEvent.RATE_LIMITED, rateLimited);
      const started = Date.now();

      await expect(
        retrying.conversations.create({ name: 'inc-44' }),
      ).resolves.toMatchObject({ ok: true });

      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(rateLimited).toHaveBeenCalledWith(1, expect.anything());
      expect(fake.callsTo('conversations.create').map(c => c.status)).toEqual([
        429, 200,
      ]);
    });

    it('lets a client that rejects rate-limited calls see the 429', async () => {
      fake.rateLimitNext('auth.test', 30);

      const error = await client(fake.botToken, {
        rejectRateLimitedCalls: true,
      })
        .auth.test()
        .catch(e => e);

      expect(error).toMatchObject({
        code: ErrorCode.RateLimitedError,
        retryAfter: 30,
      });
    });
  });

  describe('conversations.list', () => {
    it('lists public channels and the private ones the bot is in, page by page with cursors', async () => {
      await slack.conversations.create({ name: 'secret', is_private: true });
      const listed: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await slack.conversations.list({
          types: 'public_channel,private_channel',
          limit: 2,
          cursor,
        });
        listed.push(...page.channels!.map(c => c.name!));
        cursor = page.response_metadata?.next_cursor || undefined;
        pages += 1;
      } while (cursor);

      expect(listed).toEqual(['general', 'incidents', 'secret']);
      expect(pages).toBe(2);
      // Public channels only by default; archived ones unless excluded.
      await slack.conversations.archive({
        channel: fake.channel('secret')!.id,
      });
      expect(
        (await slack.conversations.list()).channels!.map(c => c.name),
      ).toEqual(['general', 'incidents']);
      expect(
        (
          await slack.conversations.list({
            types: 'private_channel',
            exclude_archived: true,
          })
        ).channels,
      ).toEqual([]);
    });

    it('needs groups:read for private channels, and refuses a cursor it did not give', async () => {
      fake.missingScope('conversations.list', 'groups:read');

      expect(
        await slackError(
          slack.conversations.list({ types: 'public_channel,private_channel' }),
        ),
      ).toMatchObject({ error: 'missing_scope', needed: 'groups:read' });
      await expect(slack.conversations.list()).resolves.toMatchObject({
        ok: true,
      });
      expect(
        await slackError(slack.conversations.list({ cursor: 'bm9wZQ==' })),
      ).toMatchObject({ error: 'invalid_cursor' });
    });
  });

  describe('response URLs', () => {
    const post = (
      url: string,
      body: unknown,
      contentType = 'application/json',
    ) =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    it('takes up to 5 messages, for the user and channel they were issued for', async () => {
      const url = fake.newResponseUrl({ userId: ADA.id, channelId: 'D0ADA' });
      expect(url).toMatch(
        new RegExp(`^${fake.hooksUrl}commands/T0001/\\d+/[0-9a-f]+$`),
      );

      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const response = await post(url, {
          response_type: 'ephemeral',
          text: `Answer ${i}`,
        });
        statuses.push(response.status);
      }

      expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
      expect(fake.responses()[0]).toEqual({
        url,
        userId: ADA.id,
        channelId: 'D0ADA',
        body: { response_type: 'ephemeral', text: 'Answer 0' },
        status: 200,
      });
      expect(fake.responses()[5]).toMatchObject({
        status: 404,
        error: 'used_url',
      });
    });

    it.each([
      [
        'a form body',
        'text=hi',
        'application/x-www-form-urlencoded',
        'invalid_payload',
      ],
      [
        'JSON that is not an object',
        '[1]',
        'application/json',
        'invalid_payload',
      ],
      [
        'an unknown field',
        { text: 'hi', responseType: 'ephemeral' },
        undefined,
        'invalid_payload',
      ],
      [
        'another response_type',
        { text: 'hi', response_type: 'public' },
        undefined,
        'invalid_payload',
      ],
      [
        'a replace_original that is not a boolean',
        { text: 'hi', replace_original: 'false' },
        undefined,
        'invalid_payload',
      ],
      [
        'blocks without a type',
        { blocks: [{ text: 'hi' }] },
        undefined,
        'invalid_payload',
      ],
      [
        'neither text nor blocks',
        { response_type: 'ephemeral' },
        undefined,
        'no_text',
      ],
    ])('refuses %s with 400', async (_what, body, contentType, error) => {
      const url = fake.newResponseUrl({ userId: ADA.id, channelId: 'C1' });

      const response = await post(url, body, contentType);

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ ok: false, error });
      expect(fake.responses()).toEqual([
        expect.objectContaining({ status: 400, error }),
      ]);
    });

    it('answers 404 to an expired or unknown URL', async () => {
      const url = fake.newResponseUrl({ userId: ADA.id, channelId: 'C1' });
      fake.expireResponseUrl(url);

      const expired = await post(url, { text: 'late' });
      const unknown = await post(`${fake.hooksUrl}commands/T0001/1/nope`, {
        text: 'who?',
      });

      expect([expired.status, unknown.status]).toEqual([404, 404]);
      expect(fake.responses().map(r => r.error)).toEqual([
        'expired_url',
        'no_service',
      ]);
    });
  });
});
