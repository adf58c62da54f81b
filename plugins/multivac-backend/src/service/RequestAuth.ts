import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
  PermissionResourceRef,
} from '@backstage/plugin-permission-node';
import { Request } from 'express';
import { IncidentActor } from '../incidents/IncidentService';
import {
  PermissionFilter,
  resolveFilter,
} from '../permissions/permissionFilter';
import {
  incidentResourceRef,
  MultivacQuery,
  pageResourceRef,
  postmortemResourceRef,
  releaseResourceRef,
} from '../permissions/resources';
import { CatalogEntities } from './CatalogEntities';

const resourceRefs: Record<
  string,
  PermissionResourceRef<any, MultivacQuery, string>
> = Object.fromEntries(
  [
    incidentResourceRef,
    postmortemResourceRef,
    pageResourceRef,
    releaseResourceRef,
  ].map(ref => [ref.resourceType, ref]),
);

/** A list the caller may read: all of it, or what `filter` lets through. */
export interface ListAuthorization {
  credentials: BackstageCredentials;
  /** Undefined when the policy allows every item. */
  filter?: PermissionFilter;
}

/**
 * Who is asking: an HTTP request (its sign-in is checked), or the
 * credentials Backstage already checked, as an action of the actions
 * registry receives them.
 */
export type Caller = Request | BackstageCredentials;

function isCredentials(caller: Caller): caller is BackstageCredentials {
  return (
    (caller as BackstageCredentials).$$type ===
    '@backstage/BackstageCredentials'
  );
}

/**
 * Sign-in and permission checks shared by the plugin's routes and its
 * actions (src/actions), so that an action checks exactly what its route
 * checks.
 */
export class RequestAuth {
  constructor(
    private readonly auth: AuthService,
    private readonly httpAuth: HttpAuthService,
    private readonly permissions: PermissionsService,
    private readonly registry: PermissionsRegistryService,
    private readonly entities: CatalogEntities,
  ) {}

  /** The caller's credentials if the policy allows `permission`, else 403. */
  async authorize(
    caller: Caller,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> {
    const credentials = await this.credentials(caller);
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You are not allowed to ${permission.name}`);
    }
    return credentials;
  }

  /**
   * The item `load` finds, with the caller's credentials, if the policy
   * allows `permission` on it: 403 when the policy denies the permission
   * outright (before looking the item up), and when its conditions do not
   * hold for the item, checked by the item's ref (`refOf`).
   */
  async authorizeItem<TItem>(
    caller: Caller,
    permission: ResourcePermission,
    load: () => Promise<TItem>,
    refOf: (item: NonNullable<TItem>) => string,
  ): Promise<{ item: TItem; credentials: BackstageCredentials }> {
    const credentials = await this.credentials(caller);
    const decision = await this.decide(permission, credentials);
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError(`You are not allowed to ${permission.name}`);
    }
    const item = await load();
    // Nothing found (e.g. an incident without a post-mortem) has no conditions to meet.
    if (
      decision.result === AuthorizeResult.CONDITIONAL &&
      item !== undefined &&
      item !== null
    ) {
      const resourceRef = refOf(item);
      const [onItem] = await this.permissions.authorize(
        [{ permission, resourceRef }],
        { credentials },
      );
      if (onItem.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You are not allowed to ${permission.name} on ${resourceRef}`,
        );
      }
    }
    return { item, credentials };
  }

  /**
   * For list routes: 403 when the policy denies `permission`; when it allows
   * it on some items only, the filter the list query applies in SQL.
   */
  async authorizeList(
    caller: Caller,
    permission: ResourcePermission,
  ): Promise<ListAuthorization> {
    const credentials = await this.credentials(caller);
    const decision = await this.decide(permission, credentials);
    return { credentials, filter: await this.filterOf(permission, decision) };
  }

  /**
   * What a list may show under `decision`: everything (undefined), what the
   * returned filter lets through, or nothing (403).
   */
  async filterOf(
    permission: ResourcePermission,
    decision: PolicyDecision,
  ): Promise<PermissionFilter | undefined> {
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      if (decision.result === AuthorizeResult.ALLOW) {
        return undefined;
      }
      throw new NotAllowedError(`You are not allowed to ${permission.name}`);
    }
    const transform = createConditionTransformer<MultivacQuery>(
      this.registry.getPermissionRuleset(resourceRefs[permission.resourceType]),
    );
    return resolveFilter(transform(decision.conditions), claims =>
      this.entities.ownedBy(claims),
    );
  }

  /**
   * The caller's credentials if the policy allows `permission` on an item
   * that does not exist yet (e.g. a booking forced past a block), its
   * conditions applied to `resource`; else 403.
   */
  async authorizeCandidate<TResource>(
    caller: Caller,
    permission: ResourcePermission,
    resource: TResource,
    what: string,
  ): Promise<BackstageCredentials> {
    const credentials = await this.credentials(caller);
    const decision = await this.decide(permission, credentials);
    const allowed =
      decision.result === AuthorizeResult.CONDITIONAL
        ? createConditionAuthorizer(
            this.registry.getPermissionRuleset(
              resourceRefs[permission.resourceType],
            ),
          )(decision, resource)
        : decision.result === AuthorizeResult.ALLOW;
    if (!allowed) {
      throw new NotAllowedError(
        `You are not allowed to ${permission.name} on ${what}`,
      );
    }
    return credentials;
  }

  /**
   * A request's credentials, of a user or a service (401 otherwise); given
   * credentials, the same rule applies to them.
   */
  private async credentials(caller: Caller): Promise<BackstageCredentials> {
    if (!isCredentials(caller)) {
      return this.httpAuth.credentials(caller, { allow: ['user', 'service'] });
    }
    if (
      !this.auth.isPrincipal(caller, 'user') &&
      !this.auth.isPrincipal(caller, 'service')
    ) {
      throw new AuthenticationError('Sign in to use Multivac');
    }
    return caller;
  }

  private async decide(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return decision;
  }

  isUser(credentials: BackstageCredentials): boolean {
    return this.auth.isPrincipal(credentials, 'user');
  }

  /** The caller as the incident rules see it. */
  incidentActor(credentials: BackstageCredentials): IncidentActor {
    return {
      ref: this.actorOf(credentials),
      isUser: this.isUser(credentials),
      credentials,
    };
  }

  /** Who is acting: the user's entity ref, or the calling service's subject. */
  actorOf(credentials: BackstageCredentials): string {
    if (this.auth.isPrincipal(credentials, 'user')) {
      return credentials.principal.userEntityRef;
    }
    if (this.auth.isPrincipal(credentials, 'service')) {
      return `service:${credentials.principal.subject}`;
    }
    return 'unknown';
  }
}
