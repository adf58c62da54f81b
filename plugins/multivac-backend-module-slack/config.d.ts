export interface Config {
  multivac?: {
    /**
     * The Multivac Slack bot. Without it the Slack module does nothing.
     */
    slack?: {
      /**
       * Bot User OAuth Token (`xoxb-...`) the bot calls the Web API with.
       * @visibility secret
       */
      botToken: string;
      /**
       * Signing Secret of the Slack app (Basic Information page): requests
       * to `/api/multivac/slack/*` are accepted only when signed with it.
       * @visibility secret
       */
      signingSecret: string;
      /**
       * App-Level Token (`xapp-...`, scope `connections:write`). When set,
       * the bot also receives commands, interactions and events over Socket
       * Mode, so Slack does not need to reach the backend over HTTP.
       * @visibility secret
       */
      appToken?: string;
      /**
       * Web API base URL. Default `https://slack.com/api/`; tests point it at
       * a fake Slack.
       */
      apiUrl?: string;
      /**
       * Where Slack's `response_url`s point. The bot answers slash commands
       * and button clicks by posting to the `response_url` Slack sent with
       * them, but only when it is on this origin. Default
       * `https://hooks.slack.com/`, the only value accepted besides a
       * loopback URL (`http://127.0.0.1:<port>/`, `localhost`, `[::1]`),
       * where tests run a fake Slack: no setting can send the bot's replies
       * to another server.
       */
      hooksUrl?: string;
      /** The slash command of the Slack app. Default `/multivac`. */
      command?: string;
      /**
       * Channel where every triage report, from Slack or the portal, is
       * posted with the on-call person and Acknowledge / Start incident
       * buttons, every declared incident is announced, and Slack problems
       * the bot cannot fix itself are reported: a channel ID (`C...`) or a
       * name (`#triage` or `triage`; lowercase letters, digits, `-` and
       * `_`, up to 80 characters), else the start fails. A name is resolved
       * when a message is posted (see `channels.cacheSeconds`); one Slack
       * does not know is logged as a warning and the post retried. The bot
       * must be a member. Unset: none of these are posted to Slack.
       */
      triageChannel?: string;
      /**
       * Minutes after an incident is resolved before its channel is
       * archived (0: right away). Unset: channels are never archived.
       */
      archiveAfterMinutes?: number;
      /**
       * Emoji that marks a message in an incident channel as a key message:
       * reacting with it (or pinning the message) records the message in the
       * incident timeline. Default `pushpin`.
       */
      keyMessageReaction?: string;
      /**
       * Team ID (`T...`) of the Slack workspace the app is installed in.
       * Requests from any other workspace are refused, and the bot acts
       * only for full members of it: not for guests, nor for people of
       * other organisations in Slack Connect channels. Unset: asked of
       * Slack (`auth.test`) once.
       */
      teamId?: string;
      /**
       * Enterprise Grid organisation ID (`E...`): members of every
       * workspace of it count as members. Unset: asked of Slack with
       * `teamId`.
       */
      enterpriseId?: string;
      /** How Slack users are mapped to catalog users. */
      users?: {
        /**
         * `email` (default): by the User's `slack.com/user-id` annotation,
         * else by the email confirmed in Slack. `annotation`: only by the
         * annotation, never by email.
         */
        mapping?: 'email' | 'annotation';
        /** How long a mapping is reused, in seconds. Default 300. */
        cacheSeconds?: number;
        /** How many mappings are kept. Default 1000. */
        cacheSize?: number;
      };
      /**
       * Channel names resolved to ids: of `slack.com/channel` annotations,
       * `triageChannel` and `digest.channels[].channel`.
       */
      channels?: {
        /**
         * How long the list of channels the bot can see
         * (`conversations.list`) is reused to resolve names, in seconds; a
         * channel created or renamed since is found after at most this long.
         * Default 300, at most 86400.
         */
        cacheSeconds?: number;
      };
      /** The daily digest posted to channels (issue 18). */
      digest?: {
        /**
         * Where the digest is posted, each channel once per local day, at
         * `hour` or at the first check after it that day (checked every
         * minute; with several replicas one of them posts, claimed per
         * channel and local date in the database).
         */
        channels?: Array<{
          /**
           * Channel ID (`C...`) or name (`#sre-digest` or `sre-digest`;
           * lowercase letters, digits, `-` and `_`, up to 80 characters),
           * else the start fails; the bot must be a member. Listed once. A
           * name is resolved when the digest is due, and the digest claimed
           * by the channel's ID; a name Slack does not know is logged as a
           * warning and tried again at the next check.
           */
          channel: string;
          /** A Group (ref or name): that team's digest. Unset: the company's. */
          team?: string;
          /** Local hour, 0 to 23. */
          hour: number;
          /** IANA zone of `hour` and of the day, e.g. Europe/Berlin. Default UTC. */
          timeZone?: string;
        }>;
      };
      /**
       * The burnout nudge (issue 18): after a bad night (2 or more
       * interruptions from 22:00 to 08:00 in the person's zone while on
       * call on a built-in schedule), a direct message to their team lead
       * (`multivac.insights.teamLeads`, else the Group's
       * `multivac.io/team-lead` annotation) with the numbers and who on the
       * schedule could cover. Once per person and night, with several
       * replicas too (checked every 5 minutes).
       */
      burnoutNudge?: {
        /** Default false. */
        enabled?: boolean;
        /**
         * The lead's local hour, 0 to 23, from which it is sent (their
         * User's `multivac.io/timezone`, else the schedule's zone), or the
         * night's end when later. Default 9.
         */
        hour?: number;
      };
    };
  };
}
