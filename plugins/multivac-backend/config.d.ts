export interface Config {
  /** Multivac incident management. */
  multivac?: {
    /** Built-in on-call (used for entities annotated `multivac.io/oncall-schedule`). */
    onCall?: {
      /** Built-in schedules; entities name them by id. */
      schedules?: Array<{
        id: string;
        name: string;
        /** IANA time zone of hand-offs and restrictions, e.g. Europe/Berlin. */
        timeZone: string;
        /** Later layers take precedence where they have someone on call. */
        layers: Array<{
          name: string;
          /** Catalog user refs in rotation order. */
          members: string[];
          rotation:
            | { type: 'daily' }
            | {
                type: 'weekly';
                handoffDay:
                  | 'monday'
                  | 'tuesday'
                  | 'wednesday'
                  | 'thursday'
                  | 'friday'
                  | 'saturday'
                  | 'sunday';
              }
            | { type: 'custom'; hours: number };
          /** Local hand-off time, HH:mm. Default 09:00. */
          handoffTime?: string;
          /** When the first member's first shift starts (date or date-time in the zone). */
          start: string;
          /** Only these local windows are covered by this layer. */
          restrictions?: Array<{ days: string[]; from: string; to: string }>;
        }>;
        /** Someone covers a window (ISO date-times with offset). */
        overrides?: Array<{ userRef: string; start: string; end: string }>;
        /** Who is paged at each level and how long before escalating. */
        escalation?: Array<{
          timeoutMinutes: number;
          targets: Array<
            { type: 'schedule' } | { type: 'user'; userRef: string }
          >;
        }>;
      }>;
      /** Phone numbers of people whose User entity has no `multivac.io/phone`. */
      contacts?: Array<{ user: string; phone: string }>;
      /**
       * Id of a built-in schedule paged when a triage report's entity has no
       * on-call annotation or its provider cannot be reached. Without it the
       * report is still stored and paging is retried.
       */
      fallbackSchedule?: string;
    };
    /**
     * Severity of a triage report from where the problem is seen and how many
     * users it affects. Cells given here replace the default's (see the
     * README); reporters may raise the result, and lowering it needs a reason.
     */
    severityRubric?: {
      /** The problem is seen everywhere. */
      global?: {
        one?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** 2–10 users */
        few?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** 11–100 users */
        dozens?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** 101–1,000 users */
        hundreds?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** More than 1,000 users */
        thousands?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
      };
      /** One region. */
      region?: {
        one?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** 2–10 users */
        few?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** 11–100 users */
        dozens?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** 101–1,000 users */
        hundreds?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** More than 1,000 users */
        thousands?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
      };
      /** A single customer. */
      customer?: {
        one?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** 2–10 users */
        few?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** 11–100 users */
        dozens?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** 101–1,000 users */
        hundreds?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
        /** More than 1,000 users */
        thousands?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
      };
    };
    /** Durable side-effect jobs (chat messages, pages, tracker issues). */
    jobs?: {
      /** Attempts before a job is marked failed. Default 8. */
      maxAttempts?: number;
      /** Delay before the first retry, doubled per retry. Default 5. */
      initialBackoffSeconds?: number;
      /** Longest delay between retries. Default 900. */
      maxBackoffSeconds?: number;
      /**
       * How long a running job is reserved for its worker; after that another
       * worker (on this or another replica) runs it again. Default 300.
       */
      leaseSeconds?: number;
      /** How often workers look for due jobs. Default 2. */
      pollIntervalSeconds?: number;
      /**
       * How long shutdown waits for running jobs before leaving them to their
       * lease. Default 10.
       */
      shutdownGraceSeconds?: number;
      /** Jobs a worker claims at a time. Default 10. */
      batchSize?: number;
    };
  };
}
