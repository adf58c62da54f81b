import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import {
  createMultivacAuthenticator,
  signInAsNamedCatalogUser,
} from './authenticator';

/**
 * Adds the `multivac` sign-in provider to the auth backend: it issues a
 * user token for a catalog user only to the multivac backend plugin, so the
 * chat bot can check permissions as the chat user.
 *
 * @public
 */
export const authModuleMultivacProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'multivac-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        auth: coreServices.auth,
      },
      async init({ providers, auth }) {
        providers.registerProvider({
          providerId: 'multivac',
          factory: createProxyAuthProviderFactory({
            authenticator: createMultivacAuthenticator(auth),
            signInResolver: signInAsNamedCatalogUser,
          }),
        });
      },
    });
  },
});
