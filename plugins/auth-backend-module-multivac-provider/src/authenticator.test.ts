import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { AuthResolverContext } from '@backstage/plugin-auth-node';
import {
  createMultivacAuthenticator,
  MULTIVAC_USER_HEADER,
  signInAsNamedCatalogUser,
} from './authenticator';

// Shaped like a plugin token; the auth service below is stubbed.
const pluginToken = `${Buffer.from(
  JSON.stringify({ typ: 'vnd.backstage.plugin', alg: 'ES256' }),
).toString('base64url')}.e30.signature`;

function setup(providerConfig: object) {
  const auth = mockServices.auth({ pluginId: 'auth' });
  const authenticator = createMultivacAuthenticator(auth);
  const ctx = authenticator.initialize({
    config: mockServices.rootConfig({ data: providerConfig }),
  });
  const authenticate = (headers: Record<string, string>) =>
    authenticator.authenticate(
      {
        req: {
          headers,
          header: (name: string) => headers[name.toLowerCase()],
        },
      } as unknown as Parameters<typeof authenticator.authenticate>[0],
      ctx,
    );
  return { auth, authenticate };
}

const headers = {
  authorization: `Bearer ${pluginToken}`,
  [MULTIVAC_USER_HEADER]: 'user:default/ada.lovelace',
};

describe('createMultivacAuthenticator', () => {
  it('accepts the plugins in allowedPlugins instead of multivac', async () => {
    const { auth, authenticate } = setup({ allowedPlugins: ['chatops'] });
    const verify = jest.spyOn(auth, 'authenticate');

    verify.mockResolvedValueOnce(mockCredentials.service('plugin:chatops'));
    await expect(authenticate(headers)).resolves.toEqual({
      result: {
        userEntityRef: 'user:default/ada.lovelace',
        caller: 'plugin:chatops',
      },
    });

    verify.mockResolvedValueOnce(mockCredentials.service('plugin:multivac'));
    await expect(authenticate(headers)).rejects.toMatchObject({
      name: 'AuthenticationError',
    });
    expect(verify).toHaveBeenCalledWith(pluginToken);
  });

  it('does not turn failures to verify the token into a 401', async () => {
    const { auth, authenticate } = setup({});
    jest
      .spyOn(auth, 'authenticate')
      .mockRejectedValue(new ServiceUnavailableError('JWKS unavailable'));

    await expect(authenticate(headers)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
  });
});

describe('signInAsNamedCatalogUser', () => {
  const info = {
    profile: {},
    result: { userEntityRef: 'user:default/nobody', caller: 'plugin:multivac' },
  };

  it('refuses users missing from the catalog with a 403', async () => {
    const ctx = {
      signInWithCatalogUser: jest
        .fn()
        .mockRejectedValue(new NotFoundError('User not found')),
    } as unknown as AuthResolverContext;

    await expect(signInAsNamedCatalogUser(info, ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        "Cannot sign in 'user:default/nobody': there is no such user in the catalog",
    });
    expect(ctx.signInWithCatalogUser).toHaveBeenCalledWith({
      entityRef: 'user:default/nobody',
    });
  });
});
