/**
 * Multivac backend plugin: incident management for Backstage. Modules
 * extend it through `@multivac/plugin-multivac-node`; its stores and job
 * queue are internal. Permission policies use its conditions and sample
 * policy.
 *
 * @packageDocumentation
 */
export { multivacPlugin as default } from './plugin';
export * from './permissions';
// Multivac's Scaffolder actions (multivac:release:book, multivac:schedule:render):
// a module of the scaffolder plugin, exported by name (see src/scaffolder/module.ts).
export { multivacScaffolderModule } from './scaffolder';
