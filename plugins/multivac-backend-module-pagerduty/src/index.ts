/**
 * PagerDuty module for Multivac: who is on call from PagerDuty, paging
 * through Events API v2, page updates from PagerDuty v3 webhooks, change
 * events for releases.
 *
 * @packageDocumentation
 */
export { multivacModulePagerDuty as default } from './module';
