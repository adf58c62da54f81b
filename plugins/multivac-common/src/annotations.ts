/**
 * Catalog annotations Multivac reads. The PagerDuty keys are the ones
 * PagerDuty's own Backstage plugin uses, so annotated entities work unchanged.
 *
 * @public
 */
export const ANNOTATION_ONCALL_SCHEDULE = 'multivac.io/oncall-schedule';
/**
 * A User's phone number for on-call contact.
 *
 * @public
 */
export const ANNOTATION_PHONE = 'multivac.io/phone';
/**
 * A User's paging channels in the order to try them, e.g. `slack,email`
 * (default: `multivac.paging.defaultChannels`).
 *
 * @public
 */
export const ANNOTATION_PAGING_CHANNELS = 'multivac.io/paging-channels';
/** @public */
export const ANNOTATION_PAGERDUTY_SERVICE_ID = 'pagerduty.com/service-id';
/** @public */
export const ANNOTATION_PAGERDUTY_INTEGRATION_KEY =
  'pagerduty.com/integration-key';
/** @public */
export const ANNOTATION_PAGERDUTY_ACCOUNT = 'pagerduty.com/account';
/** @public */
export const ANNOTATION_SLACK_CHANNEL = 'slack.com/channel';
/** @public */
export const ANNOTATION_SLACK_USER_ID = 'slack.com/user-id';
/** @public */
export const ANNOTATION_JIRA_PROJECT_KEY = 'jira/project-key';
