export interface Config {
  /** Multivac incident management. */
  multivac?: {
    /**
     * The permission policy the demo backend (packages/backend) installs:
     * see the backend plugin's README, "Permissions".
     */
    permissions?: {
      /**
       * `sample` (default): the Multivac sample policy. `allow-all`: every
       * signed-in user may do everything; a production config refuses it.
       */
      policy?: 'sample' | 'allow-all';
      /**
       * Who may do everything: groups (their members) or users, e.g.
       * `group:default/platform`.
       */
      admins?: string[];
      /**
       * Lets a production backend (`auth.environment: production` or
       * NODE_ENV=production) start with allow-all or with permissions
       * switched off, or with an external access token that may reach
       * Multivac without `accessRestrictions` limiting its permissions.
       * Dangerous: any signed-in user (or that token) may then resolve any
       * incident, acknowledge anybody's page and force any release.
       */
      dangerouslyAllowAllInProduction?: boolean;
    };
    /** Built-in on-call (used for entities annotated `multivac.io/oncall-schedule`). */
    onCall?: {
      /**
       * Built-in schedules; entities name them by id. The catalog's Schedule
       * entities (kind Schedule, apiVersion multivac.io/v1alpha1) are built-in
       * schedules too, with the same fields; a schedule here wins over an
       * entity of the same id (backend README, "Schedules in the catalog").
       */
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
       * Id of a built-in schedule (config or catalog) paged when a triage report's entity has no
       * on-call annotation or its provider cannot be reached. Without it the
       * report is still stored and paging is retried.
       */
      fallbackSchedule?: string;
    };
    /**
     * How built-in pages reach people: paging channels (the Slack module's
     * direct message, email, a webhook), tried per person in order until
     * one delivers. See the README, "Paging channels".
     */
    paging?: {
      /**
       * Channel ids in the order to try them for people without a
       * `multivac.io/paging-channels` annotation, e.g. [slack, email]. Each
       * must be enabled. Default: every enabled channel, the modules' first,
       * then email, then webhook.
       */
      defaultChannels?: string[];
      /** The signed links in emails and webhooks that acknowledge a page. */
      acknowledgeLinks?: {
        /**
         * Key the links are signed with (at least 16 characters). Default:
         * derived from `backend.auth.keys[0].secret`; without either, a key
         * made up at start-up (links stop working after a restart).
         * @visibility secret
         */
        secret?: string;
        /** How long a link works, in hours (1 to 720). Default 24. */
        validHours?: number;
      };
      /** The email channel (`email`): enabled when this is set. */
      email?: {
        smtp: {
          host: string;
          /** Default 465 when `secure`, else 587. */
          port?: number;
          /** TLS from the start (port 465); otherwise STARTTLS when offered. */
          secure?: boolean;
          auth?: {
            user: string;
            /** @visibility secret */
            pass: string;
          };
        };
        /** Sender, e.g. `Multivac <pager@example.com>`. */
        from: string;
      };
      /**
       * The webhook channel (`webhook`), e.g. for an SMS or voice gateway:
       * enabled when this is set.
       */
      webhook?: {
        /** http(s) URL the page is POSTed to as JSON. */
        url: string;
        /**
         * Shared secret (at least 16 characters): the `x-multivac-signature`
         * header is `sha256=` HMAC-SHA256 of `<x-multivac-timestamp>.<body>`.
         * @visibility secret
         */
        secret: string;
        /** How long to wait for an answer, in seconds (up to 60). Default 10. */
        timeoutSeconds?: number;
      };
    };
    /** Incidents. */
    incidents?: {
      /**
       * How a newly declared incident pages the on-call of its affected
       * entities, by severity: `high` or `low` urgency, or `none`. Default:
       * SEV1 and SEV2 high, SEV3 low, SEV4 none.
       */
      paging?: {
        SEV1?: 'high' | 'low' | 'none';
        SEV2?: 'high' | 'low' | 'none';
        SEV3?: 'high' | 'low' | 'none';
        SEV4?: 'high' | 'low' | 'none';
      };
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
    /**
     * Durable side-effect jobs (chat messages, pages, tracker issues). Every
     * count must be a positive integer and every duration positive;
     * `timeoutSeconds` must be less than `leaseSeconds`. The backend refuses
     * to start otherwise, naming the key.
     */
    jobs?: {
      /** Attempts before a job is marked failed. Default 8. */
      maxAttempts?: number;
      /** Delay before the first retry, doubled per retry. Default 5. */
      initialBackoffSeconds?: number;
      /** Longest delay between retries. Default 900. */
      maxBackoffSeconds?: number;
      /**
       * How long a running job is reserved for its worker; the worker renews
       * it every third of this while the job runs. Once it expired (the
       * worker died or stalled) another worker, on this or another replica,
       * runs the job again, or marks it failed when it used up `maxAttempts`.
       * Default 300.
       */
      leaseSeconds?: number;
      /**
       * Deadline of one attempt: then the job's `AbortSignal` is aborted, the
       * attempt fails with a timeout (retried with back-off like any failure)
       * and its slot is freed, whether the handler returns or not. Must be
       * less than `leaseSeconds`. Default 60, or half of `leaseSeconds` when
       * that is shorter.
       */
      timeoutSeconds?: number;
      /** How often workers look for due jobs. Default 2. */
      pollIntervalSeconds?: number;
      /**
       * How many jobs a worker (one per replica) runs at once. A free slot
       * takes the next due job at once; paging jobs go first. Default 4.
       */
      concurrency?: number;
      /**
       * Slots reserved, on top of `concurrency`, for jobs in the paging lane
       * (page delivery, acknowledgement and escalation, paging of triage
       * reports), so that other traffic can never delay a page. Default 2.
       */
      pagingConcurrency?: number;
      /**
       * How long succeeded jobs are kept (they hold chat payloads); failed
       * jobs are kept until someone handles them. Default 14.
       */
      retentionDays?: number;
      /**
       * How long shutdown waits for running jobs before aborting them and
       * leaving them to their lease. Default 10.
       */
      shutdownGraceSeconds?: number;
      /**
       * @deprecated Jobs are no longer claimed in batches; use `concurrency`.
       * Still read as `concurrency` when that is not set.
       */
      batchSize?: number;
    };
    /** The release calendar and its conflict check. */
    releases?: {
      /**
       * Environments releases go into, and what their conflicts do: `warn`,
       * or `block` unless the release is forced with a reason. Default:
       * production (block) and staging (warn).
       */
      environments?: Array<{ id: string; policy: 'warn' | 'block' }>;
      /** IANA time zone of the times in conflict sentences. Default UTC. */
      timeZone?: string;
      /**
       * How many dependsOn/API links away another entity's release still
       * conflicts. Default 2.
       */
      dependencyDepth?: number;
      /** Whether releases of entities in the same System conflict. Default true. */
      sameSystem?: boolean;
      /** How long the catalog's dependency graph is cached. Default 5. */
      catalogRefreshMinutes?: number;
      /**
       * Active incidents freeze releases of the affected entities (and what
       * depends on them or they depend on) that start within this many hours.
       * Default 24.
       */
      incidentFreezeHours?: number;
      /** Periods without releases. */
      freezes?: Array<{
        id: string;
        name: string;
        reason?: string;
        /** One-off: ISO times with a zone. */
        start?: string;
        end?: string;
        /**
         * Recurring: an RFC 5545 RRULE in local time of `timeZone`, e.g.
         * `FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0`, optionally with a
         * DTSTART line.
         */
        rrule?: string;
        /** Length of each recurring period. */
        durationMinutes?: number;
        /** Zone of the rule. Default: `multivac.releases.timeZone`. */
        timeZone?: string;
        /** Only releases of entities in these Systems. */
        systems?: string[];
        /** Only releases of entities owned by these Groups. */
        groups?: string[];
        /** Only releases of these entities. */
        entities?: string[];
        /** Only releases into these environments. Default: all. */
        environments?: string[];
      }>;
    };
    /** Alerts from monitoring tools (see the README, "Alerts"). */
    alerts?: {
      /**
       * One entry per sender; each has its endpoint
       * `POST /api/multivac/alerts/integrations/<id>`. Checked at start-up:
       * a bad entry stops the backend with a message naming the key.
       */
      integrations?: Array<{
        /** Letters, digits, `-` and `_`; part of the endpoint's URL. */
        id: string;
        name: string;
        /** The payload format the sender speaks. */
        vendor:
          | 'alertmanager'
          | 'grafana'
          | 'generic'
          | 'datadog'
          | 'sumologic'
          | 'zendesk';
        /**
         * Accepted as `Authorization: Bearer <secret>`, as the basic auth
         * password (Alertmanager, Grafana, Zendesk), in the header
         * `X-Multivac-Secret` (Datadog, Sumo Logic), as Grafana's HMAC signing
         * secret and as the Zendesk webhook's signing secret. Several while
         * rotating: old and new both work. At least 16 characters each.
         * Integrations created in the portal instead keep a generated secret
         * hashed in the database and rotate it there.
         * @visibility secret
         */
        secrets: string[];
        /** Where an alert goes when no label and no rule names an entity. */
        defaultEntityRef?: string;
        /**
         * Label matchers → entity, first match wins; a value `/regex/`
         * matches the whole label value.
         */
        rules?: Array<{
          match: { [label: string]: string };
          entityRef: string;
        }>;
        /**
         * Vendor severity (label `severity`, generic `severity`, Datadog
         * priority `p1`…`p5` or `unprioritized`, Sumo Logic `critical`,
         * `warning`, `missingdata`) → urgency; only high urgency pages.
         * Default: critical, high, error, p1, p2 → high; anything else low.
         */
        urgency?: { [severity: string]: 'high' | 'low' };
        /** Alerts on one entity this close together form one group (one page). Default 10. */
        groupWindowMinutes?: number;
        /** Grafana's signature header. Default X-Grafana-Alerting-Signature. */
        signatureHeader?: string;
        /** Grafana's timestamp header (required with a signature). Default X-Grafana-Alerting-Timestamp. */
        timestampHeader?: string;
        /**
         * Zendesk only: the account's URL (`https://acme.zendesk.com`); each
         * report links to its ticket there.
         */
        zendeskUrl?: string;
      }>;
    };
    /** Post-mortems of resolved incidents. */
    postmortems?: {
      /**
       * The sections people write, in order. Default: Summary, Trigger,
       * Impact, Detection, Resolution, What went well, What went wrong, Where
       * we got lucky. Action items are a list of their own, not a section.
       */
      template?: Array<{
        /** Lower-case letters, digits and dashes; `summary` and `impact` are pre-filled. */
        id: string;
        title: string;
        /** What to write there. */
        hint?: string;
        /**
         * Must be written before publishing. When no section says, Summary,
         * Trigger and Impact are required (those the template has).
         */
        required?: boolean;
      }>;
      /** Publishing needs at least one action item. Default true. */
      requireActionItems?: boolean;
      /**
       * Most reviewers filled in when a post-mortem is created (the members
       * of the teams owning the incident's entities), 0..20. Default 10.
       */
      maxDefaultReviewers?: number;
      /** Business days (Mon–Fri) from resolution to the due date. Default 5. */
      dueBusinessDays?: number;
      /** IANA time zone of due dates and exported times. Default UTC. */
      timeZone?: string;
      /** How often action items' status is read from the issue tracker. Default 15. */
      trackerSyncMinutes?: number;
    };
    /** Insights: incident analytics, change failure rate, report cards. */
    insights?: {
      /**
       * How long after a production release's window an incident on the
       * released entity, or on something that depends on it, still makes
       * the release count as failed: a duration such as '24h', '90m' or
       * { hours: 24 } (0 to 30 days). Default 24 hours.
       */
      changeFailureWindow?:
        | string
        | {
            days?: number;
            hours?: number;
            minutes?: number;
          };
      /**
       * The release environment whose releases the change failure rate
       * judges. Default 'production'.
       */
      changeFailureEnvironment?: string;
      /**
       * Team leads, told of their people's bad nights by the Slack
       * module's burnout nudge: Group (ref or name) to User (ref or name),
       * e.g. { 'group:default/payments': 'user:default/ada.lovelace' }. A
       * Group not listed uses its `multivac.io/team-lead` annotation; with
       * neither, nobody is told (a log line says so).
       */
      teamLeads?: { [team: string]: string };
    };
    /**
     * Backstage notifications for incidents, pages, post-mortems and forced
     * releases. See the README, "Notifications in the portal".
     */
    notifications?: {
      /**
       * Send them. Default: true when the notifications backend plugin is
       * installed in this backend, else false. Set true when it runs in
       * another backend of the same Backstage.
       */
      enabled?: boolean;
    };
    /** Demo data, for `npm start` on a laptop only. */
    demo?: {
      /**
       * Writes a deterministic 90-day history (incidents, pages,
       * responders, interruptions; titled "Demo: ...") into an empty
       * database at start-up so that the insights have something to show.
       * Ignored when NODE_ENV is production. Default false.
       */
      history?: boolean;
    };
  };
}
