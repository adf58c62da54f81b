import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  DiscoveryService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  parseErrorResponseBody,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
  isResourcePermission,
  Permission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/** The header that @multivac/plugin-auth-backend-module-multivac-provider reads. */
const USER_HEADER = 'x-multivac-user-entity-ref';
/** Why the plugin asks; the provider logs it with every token it issues. */
const REASON_HEADER = 'x-multivac-reason';
/** Why a user is signed in: the permission, and who asked (a module's contribution id). */
const reasonFor = (permission: Permission, requester: string) =>
  `check ${permission.name} for ${requester}`;
const REFRESH_MARGIN_MS = 60_000;
/**
 * The longest the plugin keeps a user token, however long it is valid: a
 * permission check uses it at once, so a short hold is enough.
 */
const MAX_HOLD_MS = 5 * 60_000;
const TTL_WITHOUT_EXP_MS = 5 * 60_000;

// The provider answers 400 for a malformed ref, 401 when it does not trust
// this plugin's service token, and 403 for users missing from the catalog.
const refusals: Record<number, new (message: string) => Error> = {
  400: InputError,
  401: AuthenticationError,
  403: NotAllowedError,
};

type CachedCredentials = {
  credentials: BackstageCredentials<BackstageUserPrincipal>;
  refreshAt: number;
};

function refreshAt(token: string): number {
  try {
    const { exp } = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString('utf8'),
    );
    if (typeof exp === 'number') {
      return Math.min(exp * 1000 - REFRESH_MARGIN_MS, Date.now() + MAX_HOLD_MS);
    }
  } catch {
    // Not a JWT: treat it as a token without expiry.
  }
  return Date.now() + TTL_WITHOUT_EXP_MS;
}

/**
 * Checks permissions as a catalog user that the plugin acts for, such as the
 * chat user behind a Slack command, so that the permission policy sees that
 * user and their ownership claims.
 *
 * Backstage lets no plugin impersonate users, so it signs the user in
 * through the auth backend's `multivac` provider, which issues user tokens
 * only to this plugin.
 */
export class UserPermissions {
  readonly #auth: AuthService;
  readonly #discovery: DiscoveryService;
  readonly #permissions: PermissionsService;
  readonly #logger: LoggerService;
  readonly #fetch: typeof fetch;
  readonly #cache = new Map<string, CachedCredentials>();

  constructor(options: {
    auth: AuthService;
    discovery: DiscoveryService;
    permissions: PermissionsService;
    logger: LoggerService;
    fetch?: typeof fetch;
  }) {
    this.#auth = options.auth;
    this.#discovery = options.discovery;
    this.#permissions = options.permissions;
    this.#logger = options.logger;
    this.#fetch = options.fetch ?? fetch;
  }

  /**
   * Whether the permission policy allows the catalog user `userRef`
   * `permission` (on the item `resourceRef`, for a resource permission). A
   * resource permission without an item is allowed only when the policy
   * allows it on every item. `requester` names who asks (a module's
   * contribution, e.g. `slack`); the auth provider logs it.
   */
  async authorize(
    userRef: string,
    permission: Permission,
    resourceRef: string | undefined,
    requester: string,
  ): Promise<boolean> {
    if (isResourcePermission(permission)) {
      if (resourceRef === undefined) {
        const decision = await this.decide(userRef, permission, requester);
        return decision.result === AuthorizeResult.ALLOW;
      }
      return this.#allows({ permission, resourceRef }, userRef, requester);
    }
    return this.#allows({ permission }, userRef, requester);
  }

  async #allows(
    request: AuthorizePermissionRequest,
    userRef: string,
    requester: string,
  ): Promise<boolean> {
    const credentials = await this.#credentials(
      userRef,
      reasonFor(request.permission, requester),
    );
    const [decision] = await this.#permissions.authorize([request], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** The policy's decision for `userRef`, conditions included (for lists). */
  async decide(
    userRef: string,
    permission: ResourcePermission,
    requester: string,
  ): Promise<PolicyDecision> {
    const credentials = await this.#credentials(
      userRef,
      reasonFor(permission, requester),
    );
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return decision;
  }

  /** The user's credentials; `reason` says why if they must be signed in. */
  async #credentials(userRef: string, reason: string) {
    const cached = this.#cache.get(userRef);
    if (cached && cached.refreshAt > Date.now()) {
      return cached.credentials;
    }
    this.#cache.delete(userRef);

    const userToken = await this.#signIn(userRef, reason);
    const credentials = await this.#auth.authenticate(userToken);
    if (
      !this.#auth.isPrincipal(credentials, 'user') ||
      credentials.principal.userEntityRef.toLocaleLowerCase('en-US') !==
        userRef.toLocaleLowerCase('en-US')
    ) {
      throw new AuthenticationError(
        `The auth backend's multivac provider signed in someone else than '${userRef}'`,
      );
    }
    this.#cache.set(userRef, { credentials, refreshAt: refreshAt(userToken) });
    this.#logger.debug(`Signed in ${userRef} to check their permissions`);
    return credentials;
  }

  async #signIn(userRef: string, reason: string): Promise<string> {
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: 'auth',
    });
    const response = await this.#fetch(
      `${await this.#discovery.getBaseUrl('auth')}/multivac/refresh`,
      {
        headers: {
          authorization: `Bearer ${token}`,
          [USER_HEADER]: userRef,
          [REASON_HEADER]: reason,
        },
      },
    );
    if (!response.ok) {
      throw await this.#signInError(response, userRef);
    }
    const body = await response.json();
    const userToken = body?.backstageIdentity?.token;
    if (typeof userToken !== 'string') {
      throw new Error(
        `The auth backend's multivac provider returned no token for '${userRef}'`,
      );
    }
    return userToken;
  }

  async #signInError(response: Response, userRef: string): Promise<Error> {
    if (response.status === 404) {
      return new ServiceUnavailableError(
        `Cannot check permissions for '${userRef}': the auth backend has no ` +
          `'multivac' sign-in provider. Add ` +
          `@multivac/plugin-auth-backend-module-multivac-provider to the ` +
          `backend and configure 'auth.providers.multivac: {}'`,
      );
    }
    const ErrorType = refusals[response.status];
    if (!ErrorType) {
      return ResponseError.fromResponse(response);
    }
    const { error } = await parseErrorResponseBody(response);
    return new ErrorType(
      `The auth backend refused to sign in '${userRef}': ${error.message}`,
    );
  }
}
