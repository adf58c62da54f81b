import {
  CreatePermissionRuleOptions,
  PermissionRule,
} from '@backstage/plugin-permission-node';
import {
  INCIDENT_ROLES,
  IncidentRole,
  RESOURCE_TYPE_MULTIVAC_INCIDENT,
  RESOURCE_TYPE_MULTIVAC_PAGE,
  RESOURCE_TYPE_MULTIVAC_POSTMORTEM,
  RESOURCE_TYPE_MULTIVAC_RELEASE,
} from '@multivac/plugin-multivac-common';
import { PermissionRuleParams } from '@backstage/plugin-permission-common';
import { z } from 'zod';
import {
  IncidentResource,
  incidentResourceRef,
  MultivacQuery,
  OwnedItem,
  PageResource,
  ReleaseResource,
} from './resources';

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/** Whether any of `refs` is one of `claims` (refs compare case-insensitively). */
export function matchesClaim(refs: string[], claims: string[]): boolean {
  const claimed = new Set(claims.map(lower));
  return refs.some(ref => claimed.has(lower(ref)));
}

/**
 * A Zod schema as a rule's `paramsSchema` for `TParams`. Checking Zod's
 * types against the Standard Schema ones makes the type checker run out of
 * memory, so the schema is declared next to its params type instead.
 */
function paramsSchema<TParams extends PermissionRuleParams>(
  schema: z.ZodType<TParams>,
) {
  return schema as unknown as NonNullable<
    CreatePermissionRuleOptions<
      typeof incidentResourceRef,
      TParams
    >['paramsSchema']
  >;
}

type ClaimsParams = { claims: string[] };
const claimsSchema = paramsSchema<ClaimsParams>(
  z.object({
    claims: z
      .array(z.string())
      .describe(
        "The user's ownership refs (user:default/ada, group:default/payments), from the policy's user.info.ownershipEntityRefs",
      ),
  }),
);

type UserParams = { userRef: string };
const userSchema = paramsSchema<UserParams>(
  z.object({ userRef: z.string().describe('The user, e.g. user:default/ada') }),
);

type HasIncidentRoleParams = { userRef: string; roles?: IncidentRole[] };
const hasIncidentRoleSchema = paramsSchema<HasIncidentRoleParams>(
  z.object({
    userRef: z.string().describe('The user, e.g. user:default/ada'),
    roles: z
      .array(z.enum(INCIDENT_ROLES))
      .optional()
      .describe('The roles that count; any role when left out'),
  }),
);

/**
 * IS_OWNED_BY_USER_GROUPS, the same for every resource type: one of the
 * item's entities is a claim (the user or one of their groups) or is owned
 * by one.
 */
function isOwnedByUserGroups<TResourceType extends string>(
  resourceType: TResourceType,
): PermissionRule<OwnedItem, MultivacQuery, TResourceType, ClaimsParams> {
  return {
    name: 'IS_OWNED_BY_USER_GROUPS',
    description:
      "Allow items about catalog entities owned by the user or one of the user's groups",
    resourceType,
    paramsSchema: claimsSchema,
    apply: (item, { claims }) =>
      matchesClaim([...item.entityRefs, ...item.entityOwnerRefs], claims),
    toQuery: ({ claims }) => ({ kind: 'ownedBy', claims }),
  };
}

/** HAS_INCIDENT_ROLE: the user holds one of `roles` on the (post-mortem's) incident. */
function hasIncidentRole<TResourceType extends string>(
  resourceType: TResourceType,
): PermissionRule<
  IncidentResource,
  MultivacQuery,
  TResourceType,
  HasIncidentRoleParams
> {
  return {
    name: 'HAS_INCIDENT_ROLE',
    description:
      'Allow incidents (or their post-mortems) where the user holds one of the given roles',
    resourceType,
    paramsSchema: hasIncidentRoleSchema,
    apply: (incident, { userRef, roles = [...INCIDENT_ROLES] }) =>
      incident.roles.some(
        held =>
          roles.includes(held.role) && lower(held.userRef) === lower(userRef),
      ),
    toQuery: ({ userRef, roles = [...INCIDENT_ROLES] }) => ({
      kind: 'incidentRole',
      userRef,
      roles,
    }),
  };
}

/** IS_PAGE_TARGET: the page pages the user at its current escalation level. */
export const isPageTarget: PermissionRule<
  PageResource,
  MultivacQuery,
  typeof RESOURCE_TYPE_MULTIVAC_PAGE,
  UserParams
> = {
  name: 'IS_PAGE_TARGET',
  description: 'Allow pages that page the user at their current level',
  resourceType: RESOURCE_TYPE_MULTIVAC_PAGE,
  paramsSchema: userSchema,
  apply: (page, { userRef }) => matchesClaim(page.targetRefs, [userRef]),
  toQuery: ({ userRef }) => ({ kind: 'pageTarget', userRef }),
};

/** IS_RELEASE_OWNER: the release's owner is the user or one of their groups. */
export const isReleaseOwner: PermissionRule<
  ReleaseResource,
  MultivacQuery,
  typeof RESOURCE_TYPE_MULTIVAC_RELEASE,
  ClaimsParams
> = {
  name: 'IS_RELEASE_OWNER',
  description:
    "Allow releases whose owner is the user or one of the user's groups",
  resourceType: RESOURCE_TYPE_MULTIVAC_RELEASE,
  paramsSchema: claimsSchema,
  apply: (release, { claims }) => matchesClaim([release.ownerRef], claims),
  toQuery: ({ claims }) => ({ kind: 'releaseOwner', claims }),
};

/** The rules of each resource type, by the names policies use. */
export const incidentRules = {
  isOwnedByUserGroups: isOwnedByUserGroups(RESOURCE_TYPE_MULTIVAC_INCIDENT),
  hasIncidentRole: hasIncidentRole(RESOURCE_TYPE_MULTIVAC_INCIDENT),
};
export const postmortemRules = {
  isOwnedByUserGroups: isOwnedByUserGroups(RESOURCE_TYPE_MULTIVAC_POSTMORTEM),
  hasIncidentRole: hasIncidentRole(RESOURCE_TYPE_MULTIVAC_POSTMORTEM),
};
export const pageRules = {
  isOwnedByUserGroups: isOwnedByUserGroups(RESOURCE_TYPE_MULTIVAC_PAGE),
  isPageTarget,
};
export const releaseRules = {
  isOwnedByUserGroups: isOwnedByUserGroups(RESOURCE_TYPE_MULTIVAC_RELEASE),
  isReleaseOwner,
};
