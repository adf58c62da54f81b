/**
 * PagerDuty module for Multivac: who is on call from PagerDuty, paging
 * through Events API v2, page updates from PagerDuty v3 webhooks, change
 * events for releases.
 *
 * @packageDocumentation
 */
export { multivacModulePagerDuty as default } from './module';
export { PagerDutyOnCallProvider } from './PagerDutyOnCallProvider';
export {
  DEFAULT_ACCOUNT,
  pagerDutyClientsFromConfig,
} from './client/pagerDutyConfig';
export type {
  PagerDutyAccountClients,
  PagerDutyClientsOptions,
} from './client/pagerDutyConfig';
export { PagerDutyRestClient } from './client/PagerDutyRestClient';
export type { PagerDutyRestClientOptions } from './client/PagerDutyRestClient';
export { PagerDutyEventsClient } from './client/PagerDutyEventsClient';
export type { PagerDutyHttpOptions } from './client/pagerDutyHttp';
export type {
  PagerDutyAccount,
  PagerDutyChangeEvent,
  PagerDutyEscalationPolicy,
  PagerDutyEvent,
  PagerDutyEventResult,
  PagerDutyIncident,
  PagerDutyIncidentRequest,
  PagerDutyOAuth,
  PagerDutyOnCall,
  PagerDutyService,
  PagerDutyUser,
} from './client/pagerDutySchemas';
export { TtlCache } from './client/cache';
export { PagerDutyReleaseSubscriber } from './releases/PagerDutyReleaseSubscriber';
export type { PagerDutyReleaseSubscriberOptions } from './releases/PagerDutyReleaseSubscriber';
