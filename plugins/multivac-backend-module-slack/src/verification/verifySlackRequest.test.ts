import { createHmac } from 'node:crypto';
import { signSlackRequest } from '../__testUtils__/signSlackRequest';
import { slackSignatureOf, verifySlackRequest } from './verifySlackRequest';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW_SECONDS = 1_531_420_618;
const now = () => NOW_SECONDS * 1000;
const body = Buffer.from(
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fmultivac&text=declare',
);

function verify(headers: Record<string, string | undefined>, at = now) {
  return () =>
    verifySlackRequest({
      signingSecret: SECRET,
      body,
      timestamp: headers['X-Slack-Request-Timestamp'],
      signature: headers['X-Slack-Signature'],
      now: at,
    });
}

describe('verifySlackRequest', () => {
  it('accepts v0= the hex HMAC-SHA256 of "v0:<timestamp>:<body>"', () => {
    const expected = createHmac('sha256', SECRET)
      .update(`v0:${NOW_SECONDS}:${body}`)
      .digest('hex');

    expect(slackSignatureOf(SECRET, String(NOW_SECONDS), body)).toBe(
      `v0=${expected}`,
    );
    expect(verify(signSlackRequest(SECRET, body, NOW_SECONDS))).not.toThrow();
  });

  it('accepts timestamps up to 5 minutes old or ahead', () => {
    expect(
      verify(signSlackRequest(SECRET, body, NOW_SECONDS - 300)),
    ).not.toThrow();
    expect(
      verify(signSlackRequest(SECRET, body, NOW_SECONDS + 300)),
    ).not.toThrow();
  });

  it.each([
    [
      'X-Slack-Request-Timestamp',
      { 'X-Slack-Signature': 'v0=abc' },
      'Missing X-Slack-Request-Timestamp header: Slack signs every request',
    ],
    [
      'X-Slack-Signature',
      { 'X-Slack-Request-Timestamp': String(NOW_SECONDS) },
      'Missing X-Slack-Signature header: Slack signs every request',
    ],
    [
      'both headers',
      {},
      'Missing X-Slack-Request-Timestamp and X-Slack-Signature header: Slack signs every request',
    ],
  ])('rejects a request without %s', (_, headers, message) => {
    expect(verify(headers)).toThrow(
      expect.objectContaining({ name: 'AuthenticationError', message }),
    );
  });

  it.each([
    [NOW_SECONDS - 301, '301 seconds old'],
    [NOW_SECONDS + 3600, '3600 seconds in the future'],
  ])('rejects a request signed at %s as a possible replay', (at, age) => {
    expect(verify(signSlackRequest(SECRET, body, at))).toThrow(
      expect.objectContaining({
        name: 'AuthenticationError',
        message: `X-Slack-Request-Timestamp is ${age}, more than 300: the request may be a replay`,
      }),
    );
  });

  it('rejects a timestamp that is not Unix seconds', () => {
    const headers = {
      'X-Slack-Request-Timestamp': '2018-07-12T18:36:58Z',
      'X-Slack-Signature': 'v0=abc',
    };

    expect(verify(headers)).toThrow(
      'X-Slack-Request-Timestamp must be a Unix time in seconds',
    );
  });

  it.each([
    ['another secret', signSlackRequest('other', body, NOW_SECONDS)],
    [
      'another body',
      signSlackRequest(SECRET, `${body}&text=resolve`, NOW_SECONDS),
    ],
    [
      'another timestamp',
      {
        ...signSlackRequest(SECRET, body, NOW_SECONDS - 1),
        'X-Slack-Request-Timestamp': String(NOW_SECONDS),
      },
    ],
    [
      'another version',
      {
        'X-Slack-Request-Timestamp': String(NOW_SECONDS),
        'X-Slack-Signature': slackSignatureOf(
          SECRET,
          String(NOW_SECONDS),
          body,
        ).replace('v0=', 'v1='),
      },
    ],
    [
      'a cut signature',
      {
        'X-Slack-Request-Timestamp': String(NOW_SECONDS),
        'X-Slack-Signature': slackSignatureOf(
          SECRET,
          String(NOW_SECONDS),
          body,
        ).slice(0, 40),
      },
    ],
  ])('rejects a signature made with %s', (_, headers) => {
    expect(verify(headers)).toThrow(
      expect.objectContaining({
        name: 'AuthenticationError',
        message:
          'X-Slack-Signature does not match the body for the configured signing secret',
      }),
    );
  });

  it('never names the secret or the expected signature', () => {
    const expected = slackSignatureOf(SECRET, String(NOW_SECONDS), body);
    const attempts = [
      { 'X-Slack-Request-Timestamp': String(NOW_SECONDS) },
      signSlackRequest(SECRET, body, NOW_SECONDS - 1000),
      signSlackRequest('other', body, NOW_SECONDS),
    ];

    const messages = attempts.map(headers => {
      try {
        verify(headers)();
        return '';
      } catch (error) {
        return String((error as Error).message);
      }
    });

    expect(messages.every(Boolean)).toBe(true);
    for (const message of messages) {
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain(expected.slice(3));
    }
  });
});
