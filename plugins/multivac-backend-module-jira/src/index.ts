/**
 * Jira module for Multivac: post-mortem and action-item issues in Jira Cloud
 * or Jira Data Center.
 *
 * @packageDocumentation
 */
export { multivacModuleJira as default } from './module';
