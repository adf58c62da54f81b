/**
 * Multivac backend plugin: incident management for Backstage.
 *
 * @packageDocumentation
 */
export { multivacPlugin as default } from './plugin';
export type { IncidentStore } from './database/IncidentStore';
export type { JobQueue, JobHandler, JobContext } from './jobs/JobQueue';
