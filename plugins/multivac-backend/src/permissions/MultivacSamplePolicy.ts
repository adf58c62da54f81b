import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  RESOURCE_TYPE_MULTIVAC_INCIDENT,
  RESOURCE_TYPE_MULTIVAC_PAGE,
  RESOURCE_TYPE_MULTIVAC_POSTMORTEM,
  RESOURCE_TYPE_MULTIVAC_RELEASE,
  releaseForcePermission,
} from '@multivac/plugin-multivac-common';
import {
  createIncidentConditionalDecision,
  createPageConditionalDecision,
  createPostmortemConditionalDecision,
  createReleaseConditionalDecision,
  incidentConditions,
  pageConditions,
  postmortemConditions,
  releaseConditions,
} from './conditions';
import { matchesClaim } from './rules';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * A sample permission policy for Multivac, to start an adopter's own from:
 *
 * - everyone reads everything;
 * - `admins` (groups, for their members, or users; e.g.
 *   `group:default/platform`) may do
 *   everything;
 * - an incident (and its post-mortem) is changed by the team owning one of
 *   its entities, and by its controller and responders;
 * - a page is acknowledged by the person it pages now, or the team owning
 *   its entity;
 * - a release is moved or cancelled by its owner or the team owning its
 *   entity; only that team forces a booking past a block (a booking names
 *   its own owner, so release ownership alone would let anyone force);
 * - any signed-in user may declare, report, page, book and cover a shift
 *   (`multivac.oncall.override`).
 *
 * Permissions of other plugins are allowed: combine it with your own.
 *
 * @public
 */
export class MultivacSamplePolicy implements PermissionPolicy {
  private readonly admins: string[];

  constructor(options: { admins: string[] }) {
    this.admins = options.admins;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (
      !permission.name.startsWith('multivac.') ||
      permission.attributes.action === 'read'
    ) {
      return ALLOW;
    }
    if (!user) {
      return DENY;
    }
    const claims = user.info.ownershipEntityRefs;
    const userRef = user.info.userEntityRef;
    if (matchesClaim(this.admins, claims)) {
      return ALLOW;
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_MULTIVAC_INCIDENT)) {
      return createIncidentConditionalDecision(permission, {
        anyOf: [
          incidentConditions.isOwnedByUserGroups({ claims }),
          incidentConditions.hasIncidentRole({
            userRef,
            roles: ['controller', 'responder'],
          }),
        ],
      });
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_MULTIVAC_POSTMORTEM)) {
      return createPostmortemConditionalDecision(permission, {
        anyOf: [
          postmortemConditions.isOwnedByUserGroups({ claims }),
          postmortemConditions.hasIncidentRole({
            userRef,
            roles: ['controller', 'responder'],
          }),
        ],
      });
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_MULTIVAC_PAGE)) {
      return createPageConditionalDecision(permission, {
        anyOf: [
          pageConditions.isPageTarget({ userRef }),
          pageConditions.isOwnedByUserGroups({ claims }),
        ],
      });
    }
    if (permission.name === releaseForcePermission.name) {
      // A booking names its own owner: forcing is for the service's team.
      return createReleaseConditionalDecision(
        releaseForcePermission,
        releaseConditions.isOwnedByUserGroups({ claims }),
      );
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_MULTIVAC_RELEASE)) {
      return createReleaseConditionalDecision(permission, {
        anyOf: [
          releaseConditions.isReleaseOwner({ claims }),
          releaseConditions.isOwnedByUserGroups({ claims }),
        ],
      });
    }
    return ALLOW;
  }
}
