/**
 * Multivac frontend plugin: incidents on the catalog.
 *
 * @packageDocumentation
 */
export {
  multivacPlugin,
  MultivacPage,
  EntityMultivacIncidentsContent,
  EntityMultivacOnCallCard,
} from './plugin';
export { multivacApiRef } from './api/MultivacApi';
export type { MultivacApi } from './api/MultivacApi';
export { MultivacClient } from './api/MultivacClient';
