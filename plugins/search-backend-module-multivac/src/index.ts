/**
 * Multivac's incidents and post-mortems in Backstage search: collators whose
 * documents carry `authorization.resourceRef`, so that results respect
 * Multivac's read permissions.
 *
 * @packageDocumentation
 */
export { searchModuleMultivacCollator as default } from './module';
export {
  MultivacIncidentCollatorFactory,
  type MultivacIncidentDocument,
} from './collators/IncidentCollatorFactory';
export {
  MultivacPostmortemCollatorFactory,
  type MultivacPostmortemDocument,
} from './collators/PostmortemCollatorFactory';
