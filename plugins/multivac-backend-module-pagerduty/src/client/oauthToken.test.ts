import { OAuthToken, OAuthTokenAnswer } from './oauthToken';

describe('OAuthToken', () => {
  let now: number;
  let answers: Array<OAuthTokenAnswer | Error>;
  let requests: number;
  const token = () =>
    new OAuthToken(
      async () => {
        requests++;
        const answer = answers.shift()!;
        if (answer instanceof Error) {
          throw answer;
        }
        return answer;
      },
      () => now,
    );

  beforeEach(() => {
    now = 0;
    requests = 0;
    answers = [
      { access_token: 'first', expires_in: 60 },
      { access_token: 'second', expires_in: 60 },
    ];
  });

  it('renews a short-lived token at half its lifetime', async () => {
    const oauth = token();

    await expect(oauth.get()).resolves.toBe('first');
    now = 29_999;
    await expect(oauth.get()).resolves.toBe('first');
    now = 30_000;
    await expect(oauth.get()).resolves.toBe('second');
    expect(requests).toBe(2);
  });

  it('does not remember a failed request', async () => {
    answers.unshift(new Error('identity service down'));
    const oauth = token();

    await expect(oauth.get()).rejects.toThrow('identity service down');
    await expect(oauth.get()).resolves.toBe('first');
  });

  it('keeps a newer token when an older one is invalidated', async () => {
    const oauth = token();
    await oauth.get();
    oauth.invalidate('first');
    await expect(oauth.get()).resolves.toBe('second');

    oauth.invalidate('first');

    await expect(oauth.get()).resolves.toBe('second');
    expect(requests).toBe(2);
  });
});
