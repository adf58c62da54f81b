import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { AuthResolverContext } from '@backstage/plugin-auth-node';
import {
  createMultivacAuthenticator,
  MULTIVAC_REASON_HEADER,
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
  [MULTIVAC_REASON_HEADER]: 'check multivac.incident.update',
};

describe('createMultivacAuthenticator', () => {
  it('accepts the plugins in allowedPlugins instead of multivac, when told it is dangerous', async () => {
    const { auth, authenticate } = setup({
      allowedPlugins: ['chatops'],
      dangerouslyAllowOtherPlugins: true,
    });
    const verify = jest.spyOn(auth, 'authenticate');

    verify.mockResolvedValueOnce(mockCredentials.service('plugin:chatops'));
    await expect(authenticate(headers)).resolves.toEqual({
      result: {
        userEntityRef: 'user:default/ada.lovelace',
        caller: 'plugin:chatops',
        reason: 'check multivac.incident.update',
      },
    });

    verify.mockResolvedValueOnce(mockCredentials.service('plugin:multivac'));
    await expect(authenticate(headers)).rejects.toMatchObject({
      name: 'AuthenticationError',
    });
    expect(verify).toHaveBeenCalledWith(pluginToken);
  });

  it('refuses to start with other plugins unless told it is dangerous, naming the keys', () => {
    expect(() =>
      setup({ allowedPlugins: ['multivac', 'chatops', 'scaffolder'] }),
    ).toThrow(
      "auth.providers.multivac.allowedPlugins lists 'chatops', 'scaffolder': each could then act as any catalog user. Set auth.providers.multivac.dangerouslyAllowOtherPlugins: true if you trust them that much",
    );
    expect(() =>
      setup({
        allowedPlugins: ['chatops'],
        dangerouslyAllowOtherPlugins: false,
      }),
    ).toThrow(/dangerouslyAllowOtherPlugins/);
    expect(() => setup({ allowedPlugins: ['multivac'] })).not.toThrow();
  });

  it.each([
    ['missing', undefined],
    ['empty', '  '],
    ['too long', 'x'.repeat(201)],
    ['with a line break', 'check\nforged log line'],
  ])('refuses a reason that is %s with 400', async (_, reason) => {
    const { auth, authenticate } = setup({});
    jest
      .spyOn(auth, 'authenticate')
      .mockResolvedValue(mockCredentials.service('plugin:multivac'));
    const { [MULTIVAC_REASON_HEADER]: _reason, ...rest } = headers;

    await expect(
      authenticate(
        reason === undefined
          ? rest
          : { ...rest, [MULTIVAC_REASON_HEADER]: reason },
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(MULTIVAC_REASON_HEADER),
    });
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
    result: {
      userEntityRef: 'user:default/nobody',
      caller: 'plugin:multivac',
      reason: 'a test',
    },
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
