import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import {
  BackendFeature,
  coreServices,
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import multivacProvider from '@multivac/plugin-auth-backend-module-multivac-provider';
import {
  incidentCreatePermission,
  incidentReadPermission,
} from '@multivac/plugin-multivac-common';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import { UserPermissions } from './UserPermissions';

const COMMANDERS = 'group:default/incident-commanders';

/** Commanders may declare incidents; everyone may read them. */
const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'test-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy({
          async handle(request, caller) {
            if (request.permission.name === incidentReadPermission.name) {
              return { result: AuthorizeResult.ALLOW };
            }
            const info =
              caller && (await userInfo.getUserInfo(caller.credentials));
            return {
              result: info?.ownershipEntityRefs.includes(COMMANDERS)
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
            };
          },
        });
      },
    });
  },
});

/**
 * A backend with the real auth, permission and user info services and
 * backends, and a stand-in for the multivac plugin that builds UserPermissions.
 */
async function startBackend(options: {
  providerConfig?: object;
  features?: BackendFeature[];
}) {
  let userPermissions: UserPermissions | undefined;
  const signIns = jest.fn();
  const backend = await startTestBackend({
    features: [
      createBackendPlugin({
        pluginId: 'multivac',
        register(reg) {
          reg.registerInit({
            deps: {
              auth: coreServices.auth,
              discovery: coreServices.discovery,
              permissions: coreServices.permissions,
              logger: coreServices.logger,
            },
            async init(deps) {
              userPermissions = new UserPermissions({
                ...deps,
                fetch: (input, init) => {
                  signIns(input);
                  return fetch(input, init);
                },
              });
            },
          });
        },
      }),
      authPlugin,
      permissionPlugin,
      policyModule,
      authServiceFactory,
      httpAuthServiceFactory,
      permissionsServiceFactory,
      userInfoServiceFactory,
      catalogServiceMock.factory({
        entities: [
          user('ada.lovelace', { memberOf: [COMMANDERS] }),
          user('grace.hopper'),
          entity('Group', 'incident-commanders', {
            spec: { type: 'team', children: [] },
          }),
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          permission: { enabled: true },
          auth: { providers: options.providerConfig ?? {} },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  return { backend, userPermissions: userPermissions!, signIns };
}

describe('UserPermissions', () => {
  describe('with the multivac provider', () => {
    let userPermissions: UserPermissions;
    let signIns: jest.Mock;

    beforeAll(async () => {
      ({ userPermissions, signIns } = await startBackend({
        providerConfig: { multivac: {} },
        features: [multivacProvider],
      }));
    });

    beforeEach(() => signIns.mockClear());

    it('asks the permission policy as the user, with their ownership', async () => {
      await expect(
        userPermissions.authorize(
          'user:default/ada.lovelace',
          incidentCreatePermission,
          undefined,
          'the slack module',
        ),
      ).resolves.toBe(true);
      await expect(
        userPermissions.authorize(
          'user:default/grace.hopper',
          incidentCreatePermission,
          undefined,
          'the slack module',
        ),
      ).resolves.toBe(false);
      await expect(
        userPermissions.authorize(
          'user:default/grace.hopper',
          incidentReadPermission,
          undefined,
          'the slack module',
        ),
      ).resolves.toBe(true);
    });

    it("reuses a user's token", async () => {
      const ref = 'user:default/ada.lovelace';
      await userPermissions.authorize(
        ref,
        incidentReadPermission,
        undefined,
        'the slack module',
      );
      signIns.mockClear();

      await userPermissions.authorize(
        ref,
        incidentCreatePermission,
        undefined,
        'the slack module',
      );
      await userPermissions.authorize(
        ref,
        incidentReadPermission,
        undefined,
        'the slack module',
      );

      expect(signIns).not.toHaveBeenCalled();
    });

    it('refuses users missing from the catalog', async () => {
      await expect(
        userPermissions.authorize(
          'user:default/nobody',
          incidentReadPermission,
          undefined,
          'the slack module',
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining("'user:default/nobody'"),
      });
    });

    it('refuses malformed user refs', async () => {
      await expect(
        userPermissions.authorize(
          'ada.lovelace',
          incidentReadPermission,
          undefined,
          'the slack module',
        ),
      ).rejects.toMatchObject({ name: 'InputError' });
    });
  });

  it.each([
    ['is not installed', {}],
    ['is not configured', { features: [multivacProvider] }],
  ])('says how to set up the provider when it %s', async (_, options) => {
    const { userPermissions } = await startBackend(options);

    await expect(
      userPermissions.authorize(
        'user:default/ada.lovelace',
        incidentReadPermission,
        undefined,
        'the slack module',
      ),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /@multivac\/plugin-auth-backend-module-multivac-provider.*auth\.providers\.multivac: \{\}/,
      ),
    });
  });

  it('reports when the provider does not trust the multivac plugin', async () => {
    const { userPermissions } = await startBackend({
      providerConfig: {
        multivac: {
          allowedPlugins: ['chatops'],
          dangerouslyAllowOtherPlugins: true,
        },
      },
      features: [multivacProvider],
    });

    await expect(
      userPermissions.authorize(
        'user:default/ada.lovelace',
        incidentReadPermission,
        undefined,
        'the slack module',
      ),
    ).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringContaining('allowedPlugins'),
    });
  });
});

describe('UserPermissions token cache', () => {
  const ref = 'user:default/ada.lovelace';

  function setup(userToken: string) {
    const auth = mockServices.auth({ pluginId: 'multivac' });
    jest
      .spyOn(auth, 'authenticate')
      .mockResolvedValue(mockCredentials.user(ref));
    const signIns = jest.fn(
      async (_input: Parameters<typeof fetch>[0], _init?: RequestInit) =>
        Response.json({ backstageIdentity: { token: userToken } }),
    );
    const userPermissions = new UserPermissions({
      auth,
      discovery: mockServices.discovery(),
      permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
      logger: mockServices.logger.mock(),
      fetch: signIns,
    });
    return { userPermissions, signIns };
  }

  const jwt = (payload: object) =>
    ['{"alg":"ES256"}', JSON.stringify(payload)]
      .map(part => Buffer.from(part).toString('base64url'))
      .concat('signature')
      .join('.');

  afterEach(() => jest.restoreAllMocks());

  it('signs in again shortly before the token expires', async () => {
    const exp = Math.floor(Date.now() / 1000) + 180;
    const { userPermissions, signIns } = setup(jwt({ sub: ref, exp }));

    await userPermissions.authorize(
      ref,
      incidentReadPermission,
      undefined,
      'the slack module',
    );
    jest.spyOn(Date, 'now').mockReturnValue(exp * 1000 - 61_000);
    await userPermissions.authorize(
      ref,
      incidentReadPermission,
      undefined,
      'the slack module',
    );
    expect(signIns).toHaveBeenCalledTimes(1);

    jest.spyOn(Date, 'now').mockReturnValue(exp * 1000 - 59_000);
    await userPermissions.authorize(
      ref,
      incidentReadPermission,
      undefined,
      'the slack module',
    );
    expect(signIns).toHaveBeenCalledTimes(2);
    expect(signIns.mock.calls[1][1]?.headers).toMatchObject({
      'x-multivac-user-entity-ref': ref,
      'x-multivac-reason': `check ${incidentReadPermission.name} for the slack module`,
    });
  });

  it('holds an hour-long token for 5 minutes only', async () => {
    const now = Date.now();
    const exp = Math.floor(now / 1000) + 3600;
    const { userPermissions, signIns } = setup(jwt({ sub: ref, exp }));

    jest.spyOn(Date, 'now').mockReturnValue(now);
    await userPermissions.authorize(
      ref,
      incidentReadPermission,
      undefined,
      'the slack module',
    );
    jest.spyOn(Date, 'now').mockReturnValue(now + 299_000);
    await userPermissions.authorize(
      ref,
      incidentReadPermission,
      undefined,
      'the slack module',
    );
    expect(signIns).toHaveBeenCalledTimes(1);

    jest.spyOn(Date, 'now').mockReturnValue(now + 301_000);
    await userPermissions.authorize(
      ref,
      incidentReadPermission,
      undefined,
      'the slack module',
    );
    expect(signIns).toHaveBeenCalledTimes(2);
  });

  it('keeps a token without expiry for 5 minutes', async () => {
    const now = Date.now();
    const { userPermissions, signIns } = setup(jwt({ sub: ref }));

    jest.spyOn(Date, 'now').mockReturnValue(now);
    await userPermissions.authorize(
      ref,
      incidentReadPermission,
      undefined,
      'the slack module',
    );
    jest.spyOn(Date, 'now').mockReturnValue(now + 299_000);
    await userPermissions.authorize(
      ref,
      incidentReadPermission,
      undefined,
      'the slack module',
    );
    expect(signIns).toHaveBeenCalledTimes(1);

    jest.spyOn(Date, 'now').mockReturnValue(now + 301_000);
    await userPermissions.authorize(
      ref,
      incidentReadPermission,
      undefined,
      'the slack module',
    );
    expect(signIns).toHaveBeenCalledTimes(2);
  });
});
