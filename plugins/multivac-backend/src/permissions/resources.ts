import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import {
  IncidentRole,
  IncidentRoleAssignment,
  RESOURCE_TYPE_MULTIVAC_INCIDENT,
  RESOURCE_TYPE_MULTIVAC_PAGE,
  RESOURCE_TYPE_MULTIVAC_POSTMORTEM,
  RESOURCE_TYPE_MULTIVAC_RELEASE,
} from '@multivac/plugin-multivac-common';

/**
 * What the ownership rule sees of an item: the catalog entities it is about
 * and who owns them (their `ownedBy` relations).
 *
 * @public
 */
export interface OwnedItem {
  entityRefs: string[];
  entityOwnerRefs: string[];
}

/** An incident as its permission rules see it. @public */
export interface IncidentResource extends OwnedItem {
  roles: IncidentRoleAssignment[];
}

/** A post-mortem, seen through its incident's entities and roles. @public */
export type PostmortemResource = IncidentResource;

/** A page as its permission rules see it: who it pages now. @public */
export interface PageResource extends OwnedItem {
  targetRefs: string[];
}

/** A release as its permission rules see it (or a booking not yet made). @public */
export interface ReleaseResource extends OwnedItem {
  ownerRef: string;
}

/**
 * What a rule's `toQuery` gives, for the stores to answer in SQL. Ownership
 * claims become entity refs (through the catalog) before a store sees them.
 *
 * @public
 */
export type MultivacQuery =
  | { kind: 'ownedBy'; claims: string[] }
  | { kind: 'incidentRole'; userRef: string; roles: IncidentRole[] }
  | { kind: 'pageTarget'; userRef: string }
  | { kind: 'releaseOwner'; claims: string[] };

/** A {@link MultivacQuery} with ownership turned into the entities owned. */
export type ResolvedQuery =
  | Exclude<MultivacQuery, { kind: 'ownedBy' }>
  | { kind: 'entities'; entityRefs: string[] };

/** @public */
export const incidentResourceRef = createPermissionResourceRef<
  IncidentResource,
  MultivacQuery
>().with({
  pluginId: 'multivac',
  resourceType: RESOURCE_TYPE_MULTIVAC_INCIDENT,
});

/** @public */
export const postmortemResourceRef = createPermissionResourceRef<
  PostmortemResource,
  MultivacQuery
>().with({
  pluginId: 'multivac',
  resourceType: RESOURCE_TYPE_MULTIVAC_POSTMORTEM,
});

/** @public */
export const pageResourceRef = createPermissionResourceRef<
  PageResource,
  MultivacQuery
>().with({
  pluginId: 'multivac',
  resourceType: RESOURCE_TYPE_MULTIVAC_PAGE,
});

/** @public */
export const releaseResourceRef = createPermissionResourceRef<
  ReleaseResource,
  MultivacQuery
>().with({
  pluginId: 'multivac',
  resourceType: RESOURCE_TYPE_MULTIVAC_RELEASE,
});
