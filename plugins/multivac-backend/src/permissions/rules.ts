import { createPermissionRule } from '@backstage/plugin-permission-node';
import { INCIDENT_ROLES } from '@multivac/plugin-multivac-common';
import { z } from 'zod';
import {
  IncidentResource,
  incidentResourceRef,
  MultivacQuery,
  OwnedItem,
  pageResourceRef,
  postmortemResourceRef,
  releaseResourceRef,
} from './resources';

const claimsSchema = z.object({
  claims: z
    .array(z.string())
    .describe(
      "The user's ownership refs (user:default/ada, group:default/payments), from the policy's user.identity.ownershipEntityRefs",
    ),
});

const userRefSchema = z.string().describe('The user, e.g. user:default/ada');

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/** Whether any of `refs` is one of `claims` (refs compare case-insensitively). */
export function matchesClaim(refs: string[], claims: string[]): boolean {
  const claimed = new Set(claims.map(lower));
  return refs.some(ref => claimed.has(lower(ref)));
}

/**
 * IS_OWNED_BY_USER_GROUPS, the same for every resource type: one of the
 * item's entities is a claim (the user or one of their groups) or is owned
 * by one.
 */
const ownedByUserGroups = {
  name: 'IS_OWNED_BY_USER_GROUPS',
  description:
    "Allow items about catalog entities owned by the user or one of the user's groups",
  paramsSchema: claimsSchema,
  apply: (item: OwnedItem, { claims }: { claims: string[] }) =>
    matchesClaim([...item.entityRefs, ...item.entityOwnerRefs], claims),
  toQuery: ({ claims }: { claims: string[] }): MultivacQuery => ({
    kind: 'ownedBy',
    claims,
  }),
};

type HasIncidentRoleParams = z.infer<typeof hasIncidentRoleParams>;
const hasIncidentRoleParams = z.object({
  userRef: userRefSchema,
  roles: z
    .array(z.enum(INCIDENT_ROLES))
    .optional()
    .describe('The roles that count; any role when left out'),
});

/** HAS_INCIDENT_ROLE: the user holds one of `roles` on the (post-mortem's) incident. */
const hasIncidentRole = {
  name: 'HAS_INCIDENT_ROLE',
  description:
    'Allow incidents (or their post-mortems) where the user holds one of the given roles',
  paramsSchema: hasIncidentRoleParams,
  apply: (
    incident: IncidentResource,
    { userRef, roles = [...INCIDENT_ROLES] }: HasIncidentRoleParams,
  ) =>
    incident.roles.some(
      held =>
        roles.includes(held.role) && lower(held.userRef) === lower(userRef),
    ),
  toQuery: ({
    userRef,
    roles = [...INCIDENT_ROLES],
  }: HasIncidentRoleParams): MultivacQuery => ({
    kind: 'incidentRole',
    userRef,
    roles,
  }),
};

/** IS_PAGE_TARGET: the page pages the user at its current escalation level. */
export const isPageTarget = createPermissionRule<
  typeof pageResourceRef,
  { userRef: string }
>({
  name: 'IS_PAGE_TARGET',
  description: 'Allow pages that page the user at their current level',
  resourceRef: pageResourceRef,
  paramsSchema: z.object({ userRef: userRefSchema }),
  apply: (page, { userRef }) => matchesClaim(page.targetRefs, [userRef]),
  toQuery: ({ userRef }) => ({ kind: 'pageTarget', userRef }),
});

/** IS_RELEASE_OWNER: the release's owner is the user or one of their groups. */
export const isReleaseOwner = createPermissionRule<
  typeof releaseResourceRef,
  { claims: string[] }
>({
  name: 'IS_RELEASE_OWNER',
  description:
    "Allow releases whose owner is the user or one of the user's groups",
  resourceRef: releaseResourceRef,
  paramsSchema: claimsSchema,
  apply: (release, { claims }) => matchesClaim([release.ownerRef], claims),
  toQuery: ({ claims }) => ({ kind: 'releaseOwner', claims }),
});

/** The rules of each resource type, by the names policies use. */
export const incidentRules = {
  isOwnedByUserGroups: createPermissionRule({
    ...ownedByUserGroups,
    resourceRef: incidentResourceRef,
  }),
  hasIncidentRole: createPermissionRule<
    typeof incidentResourceRef,
    HasIncidentRoleParams
  >({ ...hasIncidentRole, resourceRef: incidentResourceRef }),
};
export const postmortemRules = {
  isOwnedByUserGroups: createPermissionRule({
    ...ownedByUserGroups,
    resourceRef: postmortemResourceRef,
  }),
  hasIncidentRole: createPermissionRule<
    typeof postmortemResourceRef,
    HasIncidentRoleParams
  >({ ...hasIncidentRole, resourceRef: postmortemResourceRef }),
};
export const pageRules = {
  isOwnedByUserGroups: createPermissionRule({
    ...ownedByUserGroups,
    resourceRef: pageResourceRef,
  }),
  isPageTarget,
};
export const releaseRules = {
  isOwnedByUserGroups: createPermissionRule({
    ...ownedByUserGroups,
    resourceRef: releaseResourceRef,
  }),
  isReleaseOwner,
};
