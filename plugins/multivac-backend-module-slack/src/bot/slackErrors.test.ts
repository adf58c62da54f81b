import { ErrorCode, WebAPIPlatformError } from '@slack/web-api';
import {
  describeSlackError,
  slackErrorCode,
  slackProblem,
} from './slackErrors';

/** What the WebClient throws for Slack's `{ ok: false, error, ... }`. */
function platformError(
  error: string,
  extra: Record<string, unknown> = {},
): WebAPIPlatformError {
  return Object.assign(new Error(`An API error occurred: ${error}`), {
    code: ErrorCode.PlatformError,
    data: { ok: false, error, ...extra },
  }) as WebAPIPlatformError;
}

describe('slackProblem', () => {
  it('names the scope Slack asked for', () => {
    expect(
      slackProblem(
        platformError('missing_scope', {
          needed: 'channels:manage',
          provided: 'chat:write,pins:write',
        }),
      ),
    ).toEqual({
      code: 'missing_scope',
      neededScope: 'channels:manage',
      says: 'the app lacks the `channels:manage` scope',
      fix: "Add it in the app's OAuth settings (OAuth & Permissions, Bot Token Scopes) and reinstall the app",
    });
  });

  it.each([
    ['not_in_channel', 'Invite the app to the channel'],
    ['channel_not_found', 'Check the channel id'],
    ['is_archived', 'Unarchive the channel'],
    ['restricted_action', 'Ask a Slack admin'],
    ['invalid_auth', 'Reinstall the app'],
    ['account_inactive', 'Reinstall the app'],
    ['token_revoked', 'Reinstall the app'],
  ])('says what to fix for %s', (code, fix) => {
    expect(slackProblem(platformError(code))).toMatchObject({
      code,
      fix: expect.stringContaining(fix),
    });
  });

  it.each([
    ['Slack errors that pass', platformError('fatal_error')],
    [
      'a rate limit',
      Object.assign(new Error('rate limited'), {
        code: ErrorCode.RateLimitedError,
        retryAfter: 30,
      }),
    ],
    [
      'an HTTP error',
      Object.assign(new Error('503'), {
        code: ErrorCode.HTTPError,
        statusCode: 503,
      }),
    ],
    ['a network error', new Error('ECONNRESET')],
    ['something else', undefined],
  ])('leaves %s to the retries', (_, error) => {
    expect(slackProblem(error)).toBeUndefined();
  });
});

describe('describeSlackError', () => {
  it('says what Slack said, and what to fix when a person must', () => {
    expect(
      describeSlackError(
        platformError('missing_scope', { needed: 'im:write' }),
      ),
    ).toBe(
      "Slack says the app lacks the `im:write` scope. Add it in the app's OAuth settings (OAuth & Permissions, Bot Token Scopes) and reinstall the app.",
    );
    expect(describeSlackError(platformError('fatal_error'))).toBe(
      'Slack answered `fatal_error`',
    );
    expect(describeSlackError(new Error('socket hang up'))).toBe(
      'socket hang up',
    );
    expect(slackErrorCode(platformError('name_taken'))).toBe('name_taken');
  });
});

describe('slackErrorCode', () => {
  it("is Slack's code only for calls Slack refused", () => {
    expect(slackErrorCode(platformError('already_in_channel'))).toBe(
      'already_in_channel',
    );
    // Something shaped like it, but not the WebClient's platform error.
    expect(
      slackErrorCode(
        Object.assign(new Error('An API error occurred: name_taken'), {
          data: { ok: false, error: 'name_taken' },
        }),
      ),
    ).toBeUndefined();
    expect(
      slackErrorCode(
        Object.assign(new Error('rate limited'), {
          code: ErrorCode.RateLimitedError,
          retryAfter: 30,
        }),
      ),
    ).toBeUndefined();
    expect(slackErrorCode(undefined)).toBeUndefined();
  });
});
