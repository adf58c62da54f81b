import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { signSlackRequest } from '../__testUtils__/signSlackRequest';
import {
  appMention,
  blockActions,
  eventCallback,
  slashCommand,
  viewSubmission,
} from '../__testUtils__/slackPayloads';
import { createSlackRouter } from './createSlackRouter';
import { SlackAck, SlackDelivery } from './types';

const SECRET = 'signing-secret';
const FORM = 'application/x-www-form-urlencoded';

describe('createSlackRouter', () => {
  let receive: jest.Mock<Promise<SlackAck>, [SlackDelivery]>;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let app: express.Express;

  beforeEach(() => {
    receive = jest.fn<Promise<SlackAck>, [SlackDelivery]>();
    receive.mockResolvedValue(undefined);
    logger = mockServices.logger.mock();
    app = express();
    app.use(
      createSlackRouter({ signingSecret: SECRET, inbox: { receive }, logger }),
    );
    app.use(mockErrorHandler());
  });

  function post(
    path: string,
    body: string,
    contentType: string,
    headers: Record<string, string> = signSlackRequest(SECRET, body),
  ) {
    return request(app)
      .post(`/slack/${path}`)
      .set('Content-Type', contentType)
      .set(headers)
      .send(body);
  }
  const command = (fields: Record<string, string>) =>
    post('commands', new URLSearchParams(fields).toString(), FORM);
  const interaction = (payload: unknown) =>
    post(
      'interactivity',
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      FORM,
    );
  const event = (body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    return post('events', text, 'application/json', {
      ...signSlackRequest(SECRET, text),
      ...headers,
    });
  };

  it('answers the challenge of url_verification', async () => {
    const res = await event({
      token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
    expect(receive).not.toHaveBeenCalled();
  });

  it('hands a slash command to the inbox, deduplicated on its trigger_id, and answers its ack', async () => {
    receive.mockResolvedValue({
      response_type: 'ephemeral',
      text: 'Declaring the incident…',
    });

    const res = await command(slashCommand());

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      response_type: 'ephemeral',
      text: 'Declaring the incident…',
    });
    expect(receive).toHaveBeenCalledWith({
      kind: 'command',
      dedupKey: '13345224609.738474920.8088930838d88f008e0',
      command: expect.objectContaining({
        command: '/multivac',
        text: 'declare payments down',
        user_id: 'U2147483697',
        user_name: 'ada.lovelace',
        channel_id: 'C2147483705',
        channel_name: 'incidents',
        team_id: 'T0001',
        trigger_id: '13345224609.738474920.8088930838d88f008e0',
        response_url: 'https://hooks.slack.com/commands/T0001/1234/abcd',
      }),
    });
  });

  it('answers an empty 200 when the inbox has nothing to say', async () => {
    const res = await command(slashCommand({ text: '' }));

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(receive.mock.calls[0][0]).toMatchObject({
      command: { text: '' },
    });
  });

  it('hands block actions to the inbox', async () => {
    const res = await interaction(blockActions());

    expect(res.status).toBe(200);
    expect(receive).toHaveBeenCalledWith({
      kind: 'interaction',
      dedupKey: '12466734323.1395872398.ac5c6e2d9bd0',
      payload: expect.objectContaining({
        type: 'block_actions',
        actions: [expect.objectContaining({ action_id: 'acknowledge' })],
      }),
    });
  });

  it('answers a view submission with the ack of the inbox', async () => {
    receive.mockResolvedValue({
      response_action: 'errors',
      errors: { summary: 'Say what is broken' },
    });

    const res = await interaction(viewSubmission());

    expect(res.body).toEqual({
      response_action: 'errors',
      errors: { summary: 'Say what is broken' },
    });
    expect(receive.mock.calls[0][0]).toMatchObject({
      kind: 'interaction',
      payload: {
        view: {
          callback_id: 'declare-incident',
          state: {
            values: {
              severity: { severity: { selected_option: { value: 'SEV2' } } },
            },
          },
        },
      },
    });
  });

  it('hands events to the inbox with the retry headers of Slack', async () => {
    const res = await event(eventCallback(appMention()), {
      'X-Slack-Retry-Num': '2',
      'X-Slack-Retry-Reason': 'http_timeout',
    });

    expect(res.status).toBe(200);
    expect(receive).toHaveBeenCalledWith({
      kind: 'event',
      dedupKey: 'Ev08MFMKH6',
      event: expect.objectContaining({
        type: 'app_mention',
        text: '<@U0BOT> status',
      }),
      retryNum: 2,
      retryReason: 'http_timeout',
      teamId: 'T0001',
    });
  });

  it('acknowledges events it does not handle without handing them on', async () => {
    const res = await event(eventCallback({ type: 'star_added' }));

    expect(res.status).toBe(200);
    expect(receive).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith('Ignored Slack event star_added');
  });

  describe('rejects with 401', () => {
    const body = new URLSearchParams(slashCommand()).toString();

    it('a wrong signature', async () => {
      const res = await post(
        'commands',
        body,
        FORM,
        signSlackRequest('guessed', body),
      );

      expect(res.status).toBe(401);
      expect(receive).not.toHaveBeenCalled();
      expect(res.body.error).toEqual({
        name: 'AuthenticationError',
        message:
          'X-Slack-Signature does not match the body for the configured signing secret',
      });
    });

    it('a body changed after signing', async () => {
      const res = await post(
        'commands',
        body.replace('declare', 'resolve'),
        FORM,
        signSlackRequest(SECRET, body),
      );

      expect(res.status).toBe(401);
      expect(receive).not.toHaveBeenCalled();
    });

    it('a stale timestamp', async () => {
      const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;

      const res = await post(
        'interactivity',
        body,
        FORM,
        signSlackRequest(SECRET, body, tenMinutesAgo),
      );

      expect(res.status).toBe(401);
      expect(receive).not.toHaveBeenCalled();
      expect(res.body.error.message).toMatch(
        /^X-Slack-Request-Timestamp is 60\d seconds old, more than 300/,
      );
    });

    it('missing headers', async () => {
      const res = await post('events', '{}', 'application/json', {});

      expect(res.status).toBe(401);
      expect(receive).not.toHaveBeenCalled();
      expect(res.body.error.message).toBe(
        'Missing X-Slack-Request-Timestamp and X-Slack-Signature header: Slack signs every request',
      );
    });
  });

  describe('rejects with 400', () => {
    it.each([
      [
        'a command without user_id',
        () => {
          const { user_id: _, ...fields } = slashCommand();
          return command(fields);
        },
        'Slack slash command is malformed (user_id: Required)',
      ],
      [
        'an interaction without payload field',
        () =>
          post(
            'interactivity',
            'foo=bar',
            FORM,
            signSlackRequest(SECRET, 'foo=bar'),
          ),
        'Slack interaction has no payload form field',
      ],
      [
        'an interaction payload that is not JSON',
        () => {
          const body = new URLSearchParams({ payload: '{"type":' }).toString();
          return post(
            'interactivity',
            body,
            FORM,
            signSlackRequest(SECRET, body),
          );
        },
        'Slack interaction payload is not JSON',
      ],
      [
        'block actions without actions',
        () => interaction(blockActions({ actions: [] })),
        'Slack block_actions payload is malformed (actions: Array must contain at least 1 element(s))',
      ],
      [
        'a view submission without state',
        () =>
          interaction(
            viewSubmission({
              view: { id: 'V1', hash: 'h', callback_id: 'declare-incident' },
            }),
          ),
        'Slack view_submission payload is malformed (view.state: Required)',
      ],
      [
        'an event body that is not JSON',
        () =>
          post(
            'events',
            '{"type":',
            'application/json',
            signSlackRequest(SECRET, '{"type":'),
          ),
        'Slack event body is not JSON',
      ],
      [
        'an event_callback without event_id',
        () => event(eventCallback(appMention(), { event_id: undefined })),
        'Slack event_callback is malformed (event_id: Required)',
      ],
      [
        'a message event without channel',
        () => event(eventCallback({ type: 'message', ts: '1.2', text: 'hi' })),
        'Slack message event is malformed (channel: Required)',
      ],
      [
        'a url_verification without challenge',
        () => event({ type: 'url_verification' }),
        'Slack url_verification has no challenge',
      ],
      [
        'a retry number that is not one',
        () =>
          event(eventCallback(appMention()), { 'X-Slack-Retry-Num': 'two' }),
        'X-Slack-Retry-Num must be a positive integer, got two',
      ],
    ])('%s', async (_, send, message) => {
      const res = await send();

      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({ name: 'InputError', message });
      expect(receive).not.toHaveBeenCalled();
    });
  });

  it('answers 500 when the inbox cannot record, so that Slack retries events', async () => {
    receive.mockRejectedValue(new Error('database is locked'));

    const res = await event(eventCallback(appMention()));

    expect(res.status).toBe(500);
  });

  it('rejects bodies over 1 MB with 413', async () => {
    const body = `text=${'x'.repeat(1024 * 1024)}`;

    const res = await post('commands', body, FORM);

    expect(res.status).toBe(413);
    expect(receive).not.toHaveBeenCalled();
  });

  it('logs neither the secret nor signatures', async () => {
    const body = new URLSearchParams(slashCommand()).toString();
    const headers = signSlackRequest(SECRET, body);
    await post('commands', body, FORM, headers);
    await post('commands', body, FORM, signSlackRequest('guessed', body));
    await event(eventCallback({ type: 'star_added' }));

    const logged = JSON.stringify(
      Object.values(logger).flatMap(method =>
        jest.isMockFunction(method) ? method.mock.calls : [],
      ),
    );
    expect(logged).toContain('star_added');
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(headers['X-Slack-Signature'].slice(3));
  });
});
