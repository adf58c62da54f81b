/**
 * Multivac frontend plugin: incidents on the catalog.
 *
 * @packageDocumentation
 */
export {
  multivacPlugin,
  MultivacPage,
  EntityMultivacIncidentsContent,
} from './plugin';
export { multivacApiRef } from './api/MultivacApi';
export type { MultivacApi } from './api/MultivacApi';
export { MultivacClient } from './api/MultivacClient';
