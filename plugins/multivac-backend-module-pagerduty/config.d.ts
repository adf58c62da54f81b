export interface Config {
  multivac?: {
    /**
     * PagerDuty: who is on call for entities annotated
     * `pagerduty.com/service-id`, paging through `pagerduty.com/integration-key`,
     * acknowledgements and resolutions made in PagerDuty, from its v3
     * webhooks, and change events for releases.
     */
    pagerDuty?: {
      /**
       * REST API token of the default account (entities without a
       * `pagerduty.com/account` annotation). Set exactly one of `apiToken`
       * and `oauth`.
       * @visibility secret
       */
      apiToken?: string;
      /**
       * Scoped OAuth client credentials of a PagerDuty app, instead of
       * `apiToken`. Tokens are requested when first needed and renewed
       * shortly before they expire.
       */
      oauth?: {
        clientId: string;
        /** @visibility secret */
        clientSecret: string;
        /** The account's subdomain, as in `<subdomain>.pagerduty.com`. */
        subdomain: string;
        /** Service region of the account. Default `us`. */
        region?: 'us' | 'eu';
        /**
         * Space-separated scopes; the `as_account-<region>.<subdomain>` scope
         * is added. Default: `services.read escalation_policies.read
         * schedules.read users.read users:contact_methods.read oncalls.read
         * incidents.read incidents.write`.
         */
        scopes?: string;
        /** Token endpoint. Default https://identity.pagerduty.com/oauth/token. */
        tokenUrl?: string;
      };
      /**
       * Email of the PagerDuty user that Multivac acts as when it creates,
       * acknowledges or resolves incidents through the REST API (the `From`
       * header).
       */
      fromEmail?: string;
      /**
       * Service on which a page to one person (`POST /pages` with a
       * `userRef`, the bot's `page @user`) opens a PagerDuty incident
       * assigned to them, when the page is not about an entity with its own
       * `pagerduty.com/service-id`. Without it such pages go to chat only.
       * People are found by their catalog email.
       */
      directPageServiceId?: string;
      /**
       * Secrets of the PagerDuty v3 webhook subscriptions of the default
       * account that send to `/api/multivac/pagerduty/webhooks`. A webhook
       * is accepted when signed with a secret of the account its page was
       * sent to; without secrets, none is. A secret belongs to one account.
       * @visibility secret
       */
      webhookSecrets?: string[];
      /**
       * Webhook events whose `occurred_at` is more than this many seconds
       * before (or after) now are refused with 400 as possible replays.
       * Default 300; 1 to 86400.
       */
      webhookMaxEventAgeSeconds?: number;
      /** REST API base URL. Default https://api.pagerduty.com. */
      apiBaseUrl?: string;
      /** Events API v2 base URL. Default https://events.pagerduty.com. */
      eventsBaseUrl?: string;
      /** How long REST answers are reused. Default 60; 0 turns caching off. */
      cacheTtlSeconds?: number;
      /**
       * PagerDuty change events for releases of the release calendar, sent to
       * the `pagerduty.com/integration-key` of the released entity and of the
       * entities that depend on it.
       */
      changeEvents?: {
        /** Default true. */
        enabled?: boolean;
        /**
         * Also when a release is booked or moved, not only when it starts.
         * Default false: change events are meant for changes that happen.
         */
        onScheduled?: boolean;
      };
      /**
       * Schedule entities annotated `pagerduty.com/reconcile: 'true'`
       * carried out in PagerDuty (schedule, escalation policy, service
       * links). The REST routes work whatever these say.
       */
      scheduleReconcile?: {
        /**
         * Reconcile on catalog change and on the interval. Default true;
         * false leaves only the REST routes.
         */
        enabled?: boolean;
        /**
         * How often the catalog is read for marked Schedules whose spec
         * changed since it was last applied. Default 60.
         */
        catalogPollSeconds?: number;
        /**
         * How often every marked Schedule is reconciled, changed or not
         * (bringing back what was changed by hand in PagerDuty). Default 60.
         */
        intervalMinutes?: number;
        /**
         * Attempts of one reconcile before it fails (429, 5xx and network
         * failures are retried with back-off from 30 seconds, doubling, at
         * most 30 minutes, and never before PagerDuty's Retry-After).
         * Default 8.
         */
        maxAttempts?: number;
      };
      /**
       * Further accounts, chosen by the `pagerduty.com/account` annotation.
       * Base URLs and `fromEmail` default to the top-level ones.
       */
      accounts?: Array<{
        /** The `pagerduty.com/account` value; `default` is reserved. */
        id: string;
        /**
         * Exactly one of `apiToken` and `oauth`, as at the top level.
         * @visibility secret
         */
        apiToken?: string;
        /** Scoped OAuth client credentials, as at the top level. */
        oauth?: {
          clientId: string;
          /** @visibility secret */
          clientSecret: string;
          subdomain: string;
          region?: 'us' | 'eu';
          scopes?: string;
          tokenUrl?: string;
        };
        fromEmail?: string;
        /** As at the top level, a service of this account. */
        directPageServiceId?: string;
        /**
         * Secrets of this account's webhook subscriptions.
         * @visibility secret
         */
        webhookSecrets?: string[];
        apiBaseUrl?: string;
        eventsBaseUrl?: string;
      }>;
    };
  };
}
