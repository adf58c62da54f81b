/**
 * Multivac backend plugin: incident management for Backstage. Modules
 * extend it through `@multivac/plugin-multivac-node`; its stores and job
 * queue are internal.
 *
 * @packageDocumentation
 */
export { multivacPlugin as default } from './plugin';
