import { createConditionExports } from '@backstage/plugin-permission-node';
import {
  incidentResourceRef,
  pageResourceRef,
  postmortemResourceRef,
  releaseResourceRef,
} from './resources';
import {
  incidentRules,
  pageRules,
  postmortemRules,
  releaseRules,
} from './rules';

const incidentExports = createConditionExports({
  resourceRef: incidentResourceRef,
  rules: incidentRules,
});
const postmortemExports = createConditionExports({
  resourceRef: postmortemResourceRef,
  rules: postmortemRules,
});
const pageExports = createConditionExports({
  resourceRef: pageResourceRef,
  rules: pageRules,
});
const releaseExports = createConditionExports({
  resourceRef: releaseResourceRef,
  rules: releaseRules,
});

/**
 * Conditions on incidents for permission policies: `isOwnedByUserGroups`
 * (with the user's `claims`) and `hasIncidentRole` (with the `userRef` and,
 * optionally, the `roles` that count).
 *
 * @public
 */
export const incidentConditions = incidentExports.conditions;
/** @public */
export const createIncidentConditionalDecision =
  incidentExports.createConditionalDecision;

/**
 * Conditions on post-mortems, through their incident: `isOwnedByUserGroups`,
 * `hasIncidentRole`.
 *
 * @public
 */
export const postmortemConditions = postmortemExports.conditions;
/** @public */
export const createPostmortemConditionalDecision =
  postmortemExports.createConditionalDecision;

/**
 * Conditions on pages: `isPageTarget` (with the `userRef`) and
 * `isOwnedByUserGroups`.
 *
 * @public
 */
export const pageConditions = pageExports.conditions;
/** @public */
export const createPageConditionalDecision =
  pageExports.createConditionalDecision;

/**
 * Conditions on releases: `isReleaseOwner` (with the user's `claims`) and
 * `isOwnedByUserGroups`.
 *
 * @public
 */
export const releaseConditions = releaseExports.conditions;
/** @public */
export const createReleaseConditionalDecision =
  releaseExports.createConditionalDecision;
