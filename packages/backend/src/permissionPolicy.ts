import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { MultivacSamplePolicy } from '@multivac/plugin-multivac-backend';

/** The setting that lets a production backend run with allow-all. */
export const ALLOW_ALL_IN_PRODUCTION_KEY =
  'multivac.permissions.dangerouslyAllowAllInProduction';

const allowAll: PermissionPolicy = {
  async handle() {
    return { result: AuthorizeResult.ALLOW };
  },
};

/** A production config: app-config.production.yaml, or NODE_ENV. */
function isProduction(config: Config): boolean {
  return (
    config.getOptionalString('auth.environment') === 'production' ||
    process.env.NODE_ENV === 'production'
  );
}

/**
 * The subjects of `backend.auth.externalAccess` entries that may change
 * Multivac's state. Backstage never asks the policy about a service
 * principal, so such a token is limited only by its `accessRestrictions`:
 * none, or a restriction naming the `multivac` plugin without
 * `permission` or `permissionAttribute`, let it do everything.
 */
export function unrestrictedExternalAccess(config: Config): string[] {
  const entries = config.getOptionalConfigArray('backend.auth.externalAccess');
  return (entries ?? []).flatMap(entry => {
    const restrictions = entry.getOptionalConfigArray('accessRestrictions');
    const unrestricted =
      !restrictions ||
      restrictions.some(
        restriction =>
          restriction.getOptionalString('plugin') === 'multivac' &&
          !restriction.has('permission') &&
          !restriction.has('permissionAttribute'),
      );
    return unrestricted
      ? [
          entry.getOptionalString('options.subject') ??
            `an entry of type ${entry.getOptionalString('type')}`,
        ]
      : [];
  });
}

/**
 * The policy `multivac.permissions` asks for: the Multivac sample policy
 * (the default) or allow-all. A production config refuses allow-all,
 * permissions switched off, and external access tokens that may change
 * Multivac, unless {@link ALLOW_ALL_IN_PRODUCTION_KEY} says so.
 */
export function readPermissionPolicy(config: Config): {
  name: string;
  policy: PermissionPolicy;
} {
  const choice =
    config.getOptionalString('multivac.permissions.policy') ?? 'sample';
  if (choice !== 'sample' && choice !== 'allow-all') {
    throw new Error(
      `multivac.permissions.policy: must be 'sample' or 'allow-all', not '${choice}'`,
    );
  }
  const allowsAll =
    choice === 'allow-all' || !config.getOptionalBoolean('permission.enabled');
  if (
    allowsAll &&
    isProduction(config) &&
    config.getOptionalBoolean(ALLOW_ALL_IN_PRODUCTION_KEY) !== true
  ) {
    throw new Error(
      `Refusing to start a production backend where every signed-in user may ` +
        `do everything (multivac.permissions.policy: ${choice}, ` +
        `permission.enabled: ${
          config.getOptionalBoolean('permission.enabled') ?? false
        }). ` +
        `Use a real permission policy, or set ${ALLOW_ALL_IN_PRODUCTION_KEY}: true ` +
        `if you truly mean it`,
    );
  }
  const unrestricted = unrestrictedExternalAccess(config);
  if (
    unrestricted.length > 0 &&
    isProduction(config) &&
    config.getOptionalBoolean(ALLOW_ALL_IN_PRODUCTION_KEY) !== true
  ) {
    throw new Error(
      `Refusing to start a production backend where an external access token ` +
        `may do everything in Multivac (backend.auth.externalAccess: ` +
        `${unrestricted.join(
          ', ',
        )}): give each token accessRestrictions, e.g. ` +
        `{ plugin: multivac, permissionAttribute: { action: [read] } }, or set ` +
        `${ALLOW_ALL_IN_PRODUCTION_KEY}: true if you truly mean it`,
    );
  }
  if (choice === 'allow-all') {
    return {
      name: 'ALLOW-ALL (every user may do everything)',
      policy: allowAll,
    };
  }
  const admins =
    config.getOptionalStringArray('multivac.permissions.admins') ?? [];
  return {
    name: `the Multivac sample policy (admins: ${admins.join(', ') || 'none'})`,
    policy: new MultivacSamplePolicy({ admins }),
  };
}

/** Installs the policy `multivac.permissions` names; fails the start-up on a refusal. */
export const permissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'multivac-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        policy: policyExtensionPoint,
      },
      async init({ config, logger, policy }) {
        const chosen = readPermissionPolicy(config);
        logger.info(`Permission policy: ${chosen.name}`);
        policy.setPolicy(chosen.policy);
      },
    });
  },
});
