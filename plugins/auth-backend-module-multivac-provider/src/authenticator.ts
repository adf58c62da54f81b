import { AuthService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  isError,
  NotAllowedError,
} from '@backstage/errors';
import {
  createProxyAuthenticator,
  SignInResolver,
  tokenTypes,
} from '@backstage/plugin-auth-node';

/**
 * The header that names the catalog user to sign in.
 *
 * @public
 */
export const MULTIVAC_USER_HEADER = 'x-multivac-user-entity-ref';

/**
 * The header that says why the caller needs the user's token, e.g.
 * `check multivac.incident.update`; it is logged with every token issued.
 *
 * @public
 */
export const MULTIVAC_REASON_HEADER = 'x-multivac-reason';

/** The plugin that may ask without further configuration. */
const DEFAULT_PLUGIN = 'multivac';
const MAX_REASON_LENGTH = 200;

/**
 * What the authenticator hands to the sign-in resolver.
 *
 * @public
 */
export type MultivacAuthResult = {
  /** The catalog user to sign in, `user:<namespace>/<name>`. */
  userEntityRef: string;
  /** The service principal that asked, e.g. `plugin:multivac`. */
  caller: string;
  /** Why it asked, from {@link MULTIVAC_REASON_HEADER}. */
  reason: string;
};

// The catalog's rules for namespaces and names.
const USER_ENTITY_REF =
  /^user:[a-z0-9]+(?:-+[a-z0-9]+)*\/[a-z0-9]+(?:[-_.][a-z0-9]+)*$/i;
const MAX_PART_LENGTH = 63;

function isUserEntityRef(value: string | undefined): value is string {
  return (
    value !== undefined &&
    USER_ENTITY_REF.test(value) &&
    value
      .slice('user:'.length)
      .split('/')
      .every(part => part.length <= MAX_PART_LENGTH)
  );
}

function bearerToken(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

// External access tokens can be configured with any subject, including
// `plugin:multivac`; only tokens that another plugin signed may pass.
function isPluginToken(token: string): boolean {
  try {
    const header = JSON.parse(
      Buffer.from(token.split('.')[0], 'base64url').toString('utf8'),
    );
    return header?.typ === tokenTypes.plugin.typParam;
  } catch {
    return false;
  }
}

const refused = () =>
  new AuthenticationError(
    'The multivac provider only signs in users for the backend plugins in ' +
      'auth.providers.multivac.allowedPlugins, and needs their service token ' +
      'as a bearer token',
  );

/**
 * Accepts only service tokens of the allowed backend plugins (by default
 * `multivac`), and reads which catalog user they ask for from
 * {@link MULTIVAC_USER_HEADER}.
 *
 * @public
 */
export function createMultivacAuthenticator(auth: AuthService) {
  return createProxyAuthenticator({
    defaultProfileTransform: async () => ({ profile: {} }),
    initialize({ config }) {
      const pluginIds = config.getOptionalStringArray('allowedPlugins') ?? [
        DEFAULT_PLUGIN,
      ];
      const others = pluginIds.filter(id => id !== DEFAULT_PLUGIN);
      if (
        others.length > 0 &&
        config.getOptionalBoolean('dangerouslyAllowOtherPlugins') !== true
      ) {
        throw new Error(
          `auth.providers.multivac.allowedPlugins lists ${others
            .map(id => `'${id}'`)
            .join(', ')}: each could then act as any catalog user. Set ` +
            `auth.providers.multivac.dangerouslyAllowOtherPlugins: true if you trust them that much`,
        );
      }
      return { allowedSubjects: new Set(pluginIds.map(id => `plugin:${id}`)) };
    },
    async authenticate({ req }, { allowedSubjects }) {
      const token = bearerToken(req.headers.authorization);
      if (!token || !isPluginToken(token)) {
        throw refused();
      }
      let credentials;
      try {
        credentials = await auth.authenticate(token);
      } catch (error) {
        if (isError(error) && error.name === 'AuthenticationError') {
          throw refused();
        }
        throw error;
      }
      if (
        !auth.isPrincipal(credentials, 'service') ||
        !allowedSubjects.has(credentials.principal.subject)
      ) {
        throw refused();
      }

      const userEntityRef = req.header(MULTIVAC_USER_HEADER);
      if (!isUserEntityRef(userEntityRef)) {
        throw new InputError(
          `Header '${MULTIVAC_USER_HEADER}' must be a user entity ref, e.g. 'user:default/jane.doe'`,
        );
      }
      const reason = req.header(MULTIVAC_REASON_HEADER)?.trim();
      if (
        !reason ||
        reason.length > MAX_REASON_LENGTH ||
        // eslint-disable-next-line no-control-regex
        /[\x00-\x1f\x7f]/.test(reason)
      ) {
        throw new InputError(
          `Header '${MULTIVAC_REASON_HEADER}' must say why the user's token is needed, in at most ${MAX_REASON_LENGTH} printable characters`,
        );
      }
      return {
        result: {
          userEntityRef,
          caller: credentials.principal.subject,
          reason,
        },
      };
    },
  });
}

/**
 * Signs in the named catalog user, with the ownership claims that the auth
 * backend resolves for them. Users missing from the catalog are refused.
 *
 * @public
 */
export const signInAsNamedCatalogUser: SignInResolver<
  MultivacAuthResult
> = async ({ result }, ctx) => {
  try {
    return await ctx.signInWithCatalogUser({ entityRef: result.userEntityRef });
  } catch (error) {
    // A 404 would look like a missing provider to the caller.
    if (isError(error) && error.name === 'NotFoundError') {
      throw new NotAllowedError(
        `Cannot sign in '${result.userEntityRef}': there is no such user in the catalog`,
      );
    }
    throw error;
  }
};
