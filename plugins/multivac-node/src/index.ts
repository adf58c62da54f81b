/**
 * Extension points and interfaces for Multivac backend modules.
 *
 * @packageDocumentation
 */
export * from './extensions';
export * from './oncall';
export * from './workflow';
