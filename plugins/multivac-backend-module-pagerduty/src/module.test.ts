import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  InterruptionSource,
  multivacInterruptionsExtensionPoint,
  multivacOnCallExtensionPoint,
  multivacReleasesExtensionPoint,
  MultivacWorkflow,
  multivacWorkflowExtensionPoint,
  MultivacWorkflowExtensionPoint,
  OnCallProvider,
  PageUpdate,
  ReleaseSubscriber,
  WorkflowClient,
} from '@multivac/plugin-multivac-node';
import request from 'supertest';
import { incidentWebhook } from './__testUtils__/fixtures';
import { multivacModulePagerDuty } from './module';
import { signatureOf } from './webhooks/verifySignature';

describe('multivacModulePagerDuty', () => {
  let providers: OnCallProvider[];
  let releaseSubscribers: ReleaseSubscriber[];
  let record: jest.Mock<Promise<boolean>, [PageUpdate]>;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let clients: WorkflowClient[];
  let interruptionSources: InterruptionSource[];

  beforeEach(() => {
    clients = [];
    interruptionSources = [];
    providers = [];
    releaseSubscribers = [];
    record = jest.fn<Promise<boolean>, [PageUpdate]>().mockResolvedValue(true);
    logger = mockServices.logger.mock();
  });

  function startBackend(config: object) {
    return startTestBackend({
      extensionPoints: [
        [
          multivacOnCallExtensionPoint,
          {
            addProvider: provider => providers.push(provider),
          },
        ],
        [
          multivacReleasesExtensionPoint,
          {
            addReleaseSubscriber: subscriber =>
              releaseSubscribers.push(subscriber),
          },
        ],
        [
          multivacWorkflowExtensionPoint,
          {
            addClient: client => clients.push(client),
          } as Partial<MultivacWorkflowExtensionPoint>,
        ],
        [
          multivacInterruptionsExtensionPoint,
          { addSource: source => interruptionSources.push(source) },
        ],
      ],
      features: [
        multivacModulePagerDuty,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: config }),
        logger.factory,
      ],
    });
  }

  it('registers nothing without multivac.pagerDuty', async () => {
    const backend = await startBackend({ multivac: {} });
    await backend.stop();

    expect(providers).toEqual([]);
    expect(releaseSubscribers).toEqual([]);
    expect(interruptionSources).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith('PagerDuty not configured');
  });

  it('answers its routes without multivac.pagerDuty with why they are missing', async () => {
    const backend = await startBackend({ multivac: {} });
    try {
      const res = await request(backend.server)
        .post('/api/multivac/pagerduty/import')
        .set('authorization', mockCredentials.user.header())
        .send({ scheduleId: 'P1' });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({
        name: 'NotFoundError',
        message: expect.stringContaining(
          'PagerDuty is not configured: set multivac.pagerDuty',
        ),
      });
    } finally {
      await backend.stop();
    }
  });

  it('registers the PagerDuty provider when configured', async () => {
    const backend = await startBackend({
      multivac: { pagerDuty: { apiToken: 'token' } },
    });
    await backend.stop();

    expect(providers.map(p => p.id)).toEqual(['pagerduty']);
    expect(releaseSubscribers.map(s => s.id)).toEqual(['pagerduty']);
    // Webhooks record page updates through the workflow once connected,
    // and whom PagerDuty notified through its jobs into the ledger; the
    // schedule reconcile runs as jobs too.
    expect(clients.map(c => c.id)).toEqual([
      'pagerduty-webhooks',
      'pagerduty-interruptions',
      'pagerduty-schedule-reconcile',
    ]);
    expect(interruptionSources.map(s => s.id)).toEqual([
      'pagerduty-interruptions',
    ]);
    expect(logger.info).toHaveBeenCalledWith(
      'PagerDuty webhooks off: no multivac.pagerDuty webhookSecrets',
    );
  });

  it('sends no change events for releases with changeEvents.enabled: false', async () => {
    const backend = await startBackend({
      multivac: {
        pagerDuty: { apiToken: 'token', changeEvents: { enabled: false } },
      },
    });
    await backend.stop();

    expect(providers.map(p => p.id)).toEqual(['pagerduty']);
    expect(releaseSubscribers).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      'PagerDuty change events for releases off: multivac.pagerDuty.changeEvents.enabled is false',
    );
  });

  it("records webhooks signed with an account's secret, without a Backstage token", async () => {
    const backend = await startBackend({
      multivac: {
        pagerDuty: {
          apiToken: 'token',
          accounts: [
            { id: 'eu', apiToken: 'eu-token', webhookSecrets: ['eu-secret'] },
          ],
        },
      },
    });
    const body = JSON.stringify(incidentWebhook('incident.acknowledged'));
    for (const client of clients) {
      await client.connect({
        onCall: { pageUpdates: { record } },
        jobs: { registerHandler: jest.fn(), enqueue: jest.fn() },
      } as unknown as MultivacWorkflow);
    }

    try {
      const res = await request(backend.server)
        .post('/api/multivac/pagerduty/webhooks')
        .set('Content-Type', 'application/json')
        .set('X-PagerDuty-Signature', signatureOf(body, 'eu-secret'))
        .send(body);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ recorded: true });
      expect(record).toHaveBeenCalledWith({
        dedupKey: 'multivac-page-1',
        status: 'acknowledged',
        by: 'Ada Lovelace',
        source: 'PagerDuty',
      });
    } finally {
      await backend.stop();
    }
  });

  it('fails to start when two accounts share a webhook secret, naming the key', async () => {
    await expect(
      startBackend({
        multivac: {
          pagerDuty: {
            apiToken: 'token',
            webhookSecrets: ['shared'],
            accounts: [
              { id: 'eu', apiToken: 'eu-token', webhookSecrets: ['shared'] },
            ],
          },
        },
      }),
    ).rejects.toThrow(
      "multivac.pagerDuty.accounts[0].webhookSecrets: a webhook secret of account 'default' is also given to account 'eu'; each PagerDuty account has its own subscription secrets",
    );
  });

  it('fails to start with ambiguous credentials, naming the keys', async () => {
    await expect(
      startBackend({
        multivac: {
          pagerDuty: {
            apiToken: 'token',
            oauth: { clientId: 'app', clientSecret: 's', subdomain: 'nimbus' },
          },
        },
      }),
    ).rejects.toThrow(
      'Set exactly one of multivac.pagerDuty.apiToken and multivac.pagerDuty.oauth (found both)',
    );
  });
});
