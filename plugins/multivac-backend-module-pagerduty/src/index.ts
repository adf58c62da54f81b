/**
 * PagerDuty module for Multivac: who is on call from PagerDuty, paging
 * through Events API v2, page updates from PagerDuty v3 webhooks, change
 * events for releases.
 *
 * @packageDocumentation
 */
export { multivacModulePagerDuty as default } from './module';
export { PagerDutyOnCallProvider } from './PagerDutyOnCallProvider';
export { DEFAULT_ACCOUNT, PagerDutyClient } from './client/PagerDutyClient';
export type {
  PagerDutyAccount,
  PagerDutyChangeEvent,
  PagerDutyClientOptions,
  PagerDutyEscalationPolicy,
  PagerDutyEvent,
  PagerDutyEventResult,
  PagerDutyIncident,
  PagerDutyIncidentRequest,
  PagerDutyOAuth,
  PagerDutyOnCall,
  PagerDutyService,
  PagerDutyUser,
} from './client/PagerDutyClient';
export { TtlCache } from './client/cache';
export { PagerDutyReleaseSubscriber } from './releases/PagerDutyReleaseSubscriber';
export type { PagerDutyReleaseSubscriberOptions } from './releases/PagerDutyReleaseSubscriber';
