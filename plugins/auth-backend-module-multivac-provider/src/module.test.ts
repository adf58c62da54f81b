import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  AuthService,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { MULTIVAC_REASON_HEADER, MULTIVAC_USER_HEADER } from './authenticator';
import { authModuleMultivacProvider } from './module';

// Real auth services, so that plugin and user tokens are real signed JWTs.
const services = new Map<string, AuthService>();

/** A backend plugin that only lends its auth service to the tests. */
const tokenSource = (pluginId: string) =>
  createBackendPlugin({
    pluginId,
    register(reg) {
      reg.registerInit({
        deps: { auth: coreServices.auth },
        async init({ auth }) {
          services.set(pluginId, auth);
        },
      });
    },
  });

async function serviceToken(pluginId: string, targetPluginId = 'auth') {
  const auth = services.get(pluginId)!;
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf: await auth.getOwnServiceCredentials(),
    targetPluginId,
  });
  return token;
}

const STATIC_TOKEN = 'static-token-posing-as-multivac';

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'ada.lovelace', namespace: 'default' },
    spec: { memberOf: ['incident-commanders'] },
    relations: [
      { type: 'memberOf', targetRef: 'group:default/incident-commanders' },
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'incident-commanders', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

describe('authModuleMultivacProvider', () => {
  let server: Parameters<typeof request>[0];
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        authPlugin,
        authModuleMultivacProvider,
        tokenSource('multivac'),
        tokenSource('scaffolder'),
        logger.factory,
        authServiceFactory,
        httpAuthServiceFactory,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            backend: {
              auth: {
                externalAccess: [
                  {
                    type: 'static',
                    options: {
                      token: STATIC_TOKEN,
                      subject: 'plugin:multivac',
                    },
                  },
                ],
              },
            },
            auth: { providers: { multivac: {} } },
          },
        }),
      ],
    });
    server = backend.server;
  });

  const refresh = (headers: Record<string, string>) => {
    const req = request(server).get('/api/auth/multivac/refresh');
    for (const [name, value] of Object.entries({
      [MULTIVAC_REASON_HEADER]: 'check multivac.incident.update',
      ...headers,
    })) {
      req.set(name, value);
    }
    return req;
  };

  it('signs in the named catalog user for the multivac plugin', async () => {
    const res = await refresh({
      authorization: `Bearer ${await serviceToken('multivac')}`,
      [MULTIVAC_USER_HEADER]: 'user:default/ada.lovelace',
    });

    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity).toEqual({
      token: expect.any(String),
      expiresInSeconds: expect.any(Number),
      identity: {
        type: 'user',
        userEntityRef: 'user:default/ada.lovelace',
        ownershipEntityRefs: [
          'user:default/ada.lovelace',
          'group:default/incident-commanders',
        ],
      },
    });
    // Every issuance is logged with who asked and why, never the token.
    expect(logger.info).toHaveBeenCalledWith(
      'Issued a user token for user:default/ada.lovelace to plugin:multivac: check multivac.incident.update',
      {
        userEntityRef: 'user:default/ada.lovelace',
        caller: 'plugin:multivac',
        reason: 'check multivac.incident.update',
      },
    );
    const token = res.body.backstageIdentity.token;
    expect(JSON.stringify(logger.info.mock.calls)).not.toContain(token);
    expect(
      JSON.stringify(logger.info.mock.calls).match(/Issued a user token/g),
    ).toHaveLength(1);
    const credentials = await services
      .get('multivac')!
      .authenticate(res.body.backstageIdentity.token);
    expect(credentials.principal).toEqual({
      type: 'user',
      userEntityRef: 'user:default/ada.lovelace',
    });
  });

  it.each([
    ['no token', async () => ({})],
    [
      'a token of another plugin',
      async () => ({
        authorization: `Bearer ${await serviceToken('scaffolder')}`,
      }),
    ],
    [
      'a multivac token meant for another plugin',
      async () => ({
        authorization: `Bearer ${await serviceToken('multivac', 'catalog')}`,
      }),
    ],
    [
      'an external access token with the subject plugin:multivac',
      async () => ({ authorization: `Bearer ${STATIC_TOKEN}` }),
    ],
  ])('refuses a caller with %s', async (_, headers) => {
    const res = await refresh({
      ...(await headers()),
      [MULTIVAC_USER_HEADER]: 'user:default/ada.lovelace',
    });

    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringContaining(
        'auth.providers.multivac.allowedPlugins',
      ),
    });
  });

  it('refuses a user token', async () => {
    const signedIn = await refresh({
      authorization: `Bearer ${await serviceToken('multivac')}`,
      [MULTIVAC_USER_HEADER]: 'user:default/ada.lovelace',
    });
    const userToken = signedIn.body.backstageIdentity.token;

    const res = await refresh({
      authorization: `Bearer ${userToken}`,
      [MULTIVAC_USER_HEADER]: 'user:default/ada.lovelace',
    });

    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain(userToken);
  });

  it.each([
    ['missing', undefined],
    ['not a user', 'group:default/incident-commanders'],
    ['without a namespace', 'user:ada.lovelace'],
    ['malformed', 'user:default/ada lovelace'],
  ])('refuses a user ref that is %s', async (_, ref) => {
    const res = await refresh({
      authorization: `Bearer ${await serviceToken('multivac')}`,
      ...(ref ? { [MULTIVAC_USER_HEADER]: ref } : {}),
    });

    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(MULTIVAC_USER_HEADER);
  });

  it('refuses a user that is not in the catalog', async () => {
    const res = await refresh({
      authorization: `Bearer ${await serviceToken('multivac')}`,
      [MULTIVAC_USER_HEADER]: 'user:default/nobody',
    });

    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      "Cannot sign in 'user:default/nobody'",
    );
  });

  it('does not start with another plugin in allowedPlugins without the dangerous flag', async () => {
    await expect(
      startTestBackend({
        features: [
          authPlugin,
          authModuleMultivacProvider,
          authServiceFactory,
          httpAuthServiceFactory,
          catalogServiceMock.factory({ entities }),
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://localhost:3000' },
              auth: {
                providers: { multivac: { allowedPlugins: ['scaffolder'] } },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/dangerouslyAllowOtherPlugins/);
  });
});
