import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createBackendModule,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { multivacPlugin } from '../plugin';
import { PortalUrls } from '../service/PortalUrls';
import { createBookReleaseAction } from './bookReleaseAction';

jest.setTimeout(60_000);

const ada = 'user:default/ada.lovelace';

/** payments-api depends on ledger-service (as in the releases route's tests). */
const catalog = [
  entity('Group', 'payments'),
  entity('Component', 'payments-api', {
    relations: [
      ['ownedBy', 'group:default/payments'],
      ['dependsOn', 'component:default/ledger-service'],
    ],
  }),
  entity('Component', 'ledger-service', {
    relations: [['ownedBy', 'group:default/payments']],
  }),
  user('ada.lovelace', { memberOf: ['group:default/payments'] }),
];

const booking = {
  entityRef: 'payments-api',
  title: 'v2.4.1',
  environment: 'production',
  start: '2027-03-02T14:10:00Z',
  durationMinutes: 50,
  links: [{ kind: 'ci', url: 'https://ci.example.com/runs/7' }],
};
const ledgerSentence =
  'payments-api depends on ledger-service, which releases 14:00–14:30 UTC, overlapping by 20 minutes';

/**
 * A real Multivac backend; the action gets the test backend's own auth and
 * discovery services (through a module of the multivac plugin), so it
 * calls the real route with a token on behalf of the template's user.
 */
async function start(
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) {
  let services: { auth: AuthService; discovery: DiscoveryService } | undefined;
  const capture = createBackendModule({
    pluginId: 'multivac',
    moduleId: 'test-capture',
    register(reg) {
      reg.registerInit({
        deps: { auth: coreServices.auth, discovery: coreServices.discovery },
        async init(deps) {
          services = deps;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      multivacPlugin,
      capture,
      catalogServiceMock.factory({ entities: catalog }),
      mockServices.rootConfig.factory({
        data: { app: { baseUrl: 'http://portal.example.com' } },
      }),
      ...(permission
        ? [mockServices.permissions.factory({ result: permission })]
        : []),
    ],
  });
  const action = createBookReleaseAction({
    ...services!,
    portalUrls: new PortalUrls('http://portal.example.com'),
  });

  async function run(
    input: Record<string, unknown>,
    options: { isDryRun?: boolean; credentials?: BackstageCredentials } = {},
  ) {
    const outputs: Record<string, any> = {};
    const logger = mockServices.logger.mock();
    const ctx = {
      input,
      workspacePath: await fs.mkdtemp(path.join(os.tmpdir(), 'book-')),
      logger,
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
      createTemporaryDirectory: () =>
        fs.mkdtemp(path.join(os.tmpdir(), 'book-tmp-')),
      checkpoint: async ({ fn }: { fn: () => unknown }) => fn(),
      getInitiatorCredentials: async () =>
        options.credentials ?? mockCredentials.user(ada),
      task: { id: 'task-1' },
      isDryRun: options.isDryRun,
    };
    const result = action.handler(ctx as any);
    await result.catch(() => undefined);
    return { result, outputs, logger };
  }

  return { ...backend, run };
}

describe('multivac:release:book', () => {
  it('books the window as the template user and outputs the reference and URL', async () => {
    const { server, run } = await start();
    const { result, outputs } = await run(booking);
    await expect(result).resolves.toBeUndefined();
    expect(outputs).toEqual({
      releaseId: expect.any(String),
      reference: 'REL-1',
      url: 'http://portal.example.com/multivac/releases/REL-1',
      warnings: [],
    });

    const stored = await request(server)
      .get('/api/multivac/releases/REL-1')
      .set({ Authorization: mockCredentials.user.header(ada) });
    expect(stored.body).toMatchObject({
      entityRef: 'component:default/payments-api',
      title: 'v2.4.1',
      environment: 'production',
      start: '2027-03-02T14:10:00.000Z',
      end: '2027-03-02T15:00:00.000Z',
      createdBy: ada,
      links: [{ kind: 'ci', url: 'https://ci.example.com/runs/7' }],
    });
  });

  it('fails on a blocking conflict with its sentence, and books nothing', async () => {
    const { server, run } = await start();
    const ledgerBooking = {
      ...booking,
      entityRef: 'ledger-service',
      title: 'v7.0.0',
      start: '2027-03-02T14:00:00Z',
      durationMinutes: undefined,
      end: '2027-03-02T14:30:00Z',
    };
    const ledger = await run(ledgerBooking);
    await expect(ledger.result).resolves.toBeUndefined();

    const dryRun = await run(booking, { isDryRun: true });
    await expect(dryRun.result).rejects.toThrow(
      `1 conflict would block releasing into production: ${ledgerSentence}`,
    );

    const blocked = await run(booking);
    await expect(blocked.result).rejects.toThrow(
      `1 conflict blocks releasing into production: ${ledgerSentence}. Choose another window, or give force.reason to release anyway`,
    );
    await expect(blocked.result).rejects.toMatchObject({
      name: 'ConflictError',
    });
    expect(blocked.logger.error).toHaveBeenCalledWith(
      `Blocking: ${ledgerSentence}`,
    );
    const listed = await request(server)
      .get('/api/multivac/releases')
      .set({ Authorization: mockCredentials.user.header(ada) });
    expect(listed.body.items.map((r: any) => r.reference)).toEqual(['REL-1']);

    // staging only warns: booked, with the sentence as a warning
    const ledgerStaging = await run({
      ...ledgerBooking,
      environment: 'staging',
    });
    await expect(ledgerStaging.result).resolves.toBeUndefined();
    const staging = await run({ ...booking, environment: 'staging' });
    await expect(staging.result).resolves.toBeUndefined();
    expect(staging.outputs.reference).toBe('REL-3');
    expect(staging.outputs.warnings).toEqual([ledgerSentence]);
    expect(staging.logger.warn).toHaveBeenCalledWith(ledgerSentence);
  });

  it("passes on the route's refusals: bad input names the field, a denied user gets 403", async () => {
    const { run } = await start();
    const bad = await run({ ...booking, start: 'tomorrow' });
    await expect(bad.result).rejects.toThrow(
      /Multivac refused the release booking \(HTTP 400\): .*start/,
    );
    const both = await run({ ...booking, end: '2027-03-02T15:00:00Z' });
    await expect(both.result).rejects.toThrow(
      'give end or durationMinutes, not both',
    );

    const denied = await start(AuthorizeResult.DENY);
    const refused = await denied.run(booking);
    await expect(refused.result).rejects.toThrow(
      /Multivac refused the release booking \(HTTP 403\)/,
    );
  });

  it('checks without booking in a dry run', async () => {
    const { server, run } = await start();
    const { result, outputs } = await run(booking, { isDryRun: true });
    await expect(result).resolves.toBeUndefined();
    expect(outputs.reference).toBe('REL-0');
    const listed = await request(server)
      .get('/api/multivac/releases')
      .set({ Authorization: mockCredentials.user.header(ada) });
    expect(listed.body.items).toEqual([]);
  });
});
