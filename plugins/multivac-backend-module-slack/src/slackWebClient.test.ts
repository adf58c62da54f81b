import { ErrorCode } from '@slack/web-api';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { FakeSlack, startFakeSlack } from './__testUtils__/fakeSlack';
import { createSlackWebClient } from './slackWebClient';

describe('createSlackWebClient', () => {
  let fake: FakeSlack;
  beforeEach(async () => {
    fake = await startFakeSlack();
  });
  afterEach(() => fake.close());

  it('fails a rate-limited call at once with Retry-After, for the job to back off', async () => {
    fake.rateLimitNext('auth.test', 30);
    const started = Date.now();
    const error = await createSlackWebClient(fake.botToken, {
      apiUrl: fake.url,
    })
      .auth.test()
      .catch(e => e);
    expect(error).toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 30,
    });
    // It did not sleep through the 30 seconds.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('gives up on a Slack that does not answer', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await createSlackWebClient('xoxb-test', {
        apiUrl: `http://127.0.0.1:${port}/api/`,
        timeoutMs: 200,
      })
        .auth.test()
        .catch(e => e);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(ErrorCode.RequestError);
    } finally {
      silent.closeAllConnections();
      await new Promise(resolve => silent.close(resolve));
    }
  });
});
