export interface Config {
  multivac?: {
    /**
     * PagerDuty: who is on call for entities annotated
     * `pagerduty.com/service-id`, paging through `pagerduty.com/integration-key`.
     */
    pagerDuty?: {
      /**
       * REST API token of the default account (entities without a
       * `pagerduty.com/account` annotation).
       * @visibility secret
       */
      apiToken: string;
      /** REST API base URL. Default https://api.pagerduty.com. */
      apiBaseUrl?: string;
      /** Events API v2 base URL. Default https://events.pagerduty.com. */
      eventsBaseUrl?: string;
      /** How long REST answers are reused. Default 60; 0 turns caching off. */
      cacheTtlSeconds?: number;
      /**
       * Further accounts, chosen by the `pagerduty.com/account` annotation.
       * Base URLs default to the top-level ones.
       */
      accounts?: Array<{
        /** The `pagerduty.com/account` value; `default` is reserved. */
        id: string;
        /** @visibility secret */
        apiToken: string;
        apiBaseUrl?: string;
        eventsBaseUrl?: string;
      }>;
    };
  };
}
