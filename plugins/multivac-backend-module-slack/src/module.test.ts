import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import multivacPlugin from '@multivac/plugin-multivac-backend';
import request from 'supertest';
import { FakeSlack, startFakeSlack } from './__testUtils__/fakeSlack';
import { signSlackRequest } from './__testUtils__/signSlackRequest';
import { slashCommand } from './__testUtils__/slackPayloads';
import { multivacModuleSlack } from './module';

const SECRET = 'signing-secret';

describe('multivacModuleSlack', () => {
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let backends: Array<{ stop(): Promise<void> }>;

  beforeEach(() => {
    logger = mockServices.logger.mock();
    backends = [];
  });
  afterEach(() => Promise.all(backends.map(backend => backend.stop())));

  async function start(config: object) {
    const backend = await startTestBackend({
      features: [
        multivacPlugin,
        multivacModuleSlack,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({ data: config }),
        logger.factory,
      ],
    });
    backends.push(backend);
    return backend.server;
  }
  const signedPost = (
    server: Parameters<typeof request>[0],
    path: string,
    body: string,
  ) =>
    request(server)
      .post(`/api/multivac/slack/${path}`)
      .set(signSlackRequest(SECRET, body))
      .send(body);

  it('does nothing without multivac.slack', async () => {
    const server = await start({ multivac: {} });

    const res = await signedPost(server, 'events', '{}');

    expect(res.status).toBe(404);
    expect(logger.info).toHaveBeenCalledWith('Slack not configured');
  });

  it('serves the Request URLs to Slack, which has no Backstage token', async () => {
    const fake = await startFakeSlack();
    const server = await start({
      multivac: {
        slack: {
          botToken: fake.botToken,
          signingSecret: SECRET,
          apiUrl: fake.url,
        },
      },
    });
    const challenge = JSON.stringify({
      type: 'url_verification',
      challenge: 'c-1',
    });

    const verified = await signedPost(server, 'events', challenge).set(
      'Content-Type',
      'application/json',
    );
    const command = await signedPost(
      server,
      'commands',
      new URLSearchParams(slashCommand()).toString(),
    ).set('Content-Type', 'application/x-www-form-urlencoded');
    const unsigned = await request(server)
      .post('/api/multivac/slack/events')
      .send(challenge);

    expect(verified.body).toEqual({ challenge: 'c-1' });
    expect(command.status).toBe(200);
    expect(unsigned.status).toBe(401);
    await fake.close();
  });

  it('fails to start without a signing secret, naming the key', async () => {
    await expect(
      start({ multivac: { slack: { botToken: 'xoxb-1' } } }),
    ).rejects.toThrow(
      "Missing required config value at 'multivac.slack.signingSecret'",
    );
  });

  describe('with an app-level token', () => {
    let fake: FakeSlack;

    beforeEach(async () => {
      fake = await startFakeSlack({ appToken: 'xapp-1-right' });
    });
    afterEach(() => fake.close());

    it('connects over Socket Mode when the backend starts, logging why it cannot', async () => {
      await start({
        multivac: {
          slack: {
            botToken: fake.botToken,
            signingSecret: SECRET,
            appToken: 'xapp-1-revoked',
            apiUrl: fake.url,
          },
        },
      });
      await waitFor(() => logger.error.mock.calls.length > 0);

      expect(fake.callsTo('apps.connections.open')).toEqual([
        expect.objectContaining({
          token: 'xapp-1-revoked',
          response: { ok: false, error: 'invalid_auth' },
        }),
      ]);
      expect(logger.error).toHaveBeenCalledWith(
        'Slack Socket Mode could not connect: Error: An API error occurred: invalid_auth',
      );
    });
  });
});

async function waitFor(condition: () => boolean) {
  for (let tries = 0; !condition(); tries++) {
    if (tries === 100) {
      throw new Error('Timed out waiting');
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
