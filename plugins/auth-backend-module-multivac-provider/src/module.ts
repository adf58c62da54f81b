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
        logger: coreServices.logger,
      },
      async init({ providers, auth, logger }) {
        providers.registerProvider({
          providerId: 'multivac',
          factory: createProxyAuthProviderFactory({
            authenticator: createMultivacAuthenticator(auth),
            // Every token issued is logged: who asked, for whom and why.
            signInResolver: async (info, ctx) => {
              const signedIn = await signInAsNamedCatalogUser(info, ctx);
              const { userEntityRef, caller, reason } = info.result;
              logger.info(
                `Issued a user token for ${userEntityRef} to ${caller}: ${reason}`,
                { userEntityRef, caller, reason },
              );
              return signedIn;
            },
          }),
        });
      },
    });
  },
});
