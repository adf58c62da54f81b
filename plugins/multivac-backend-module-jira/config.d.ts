export interface Config {
  multivac?: {
    /**
     * Jira: one issue per post-mortem and per action item, in the project of
     * the incident's entities (`jira/project-key`).
     */
    jira?: {
      /**
       * The site, e.g. `https://nimbus.atlassian.net` (Cloud) or
       * `https://jira.nimbus.example` (Data Center). Issue links are
       * `<baseUrl>/browse/<key>`.
       */
      baseUrl: string;
      /**
       * `cloud` (REST API v3, descriptions in Atlassian Document Format,
       * `email` + `apiToken`) or `datacenter` (REST API v2, wiki markup,
       * `personalAccessToken`). Default `cloud`.
       */
      deployment?: 'cloud' | 'datacenter';
      /** Cloud: the Atlassian account the API token belongs to. */
      email?: string;
      /**
       * Cloud: an API token of that account (id.atlassian.com → Security →
       * API tokens).
       * @visibility secret
       */
      apiToken?: string;
      /**
       * Data Center: a personal access token (Profile → Personal Access
       * Tokens), sent as `Authorization: Bearer`.
       * @visibility secret
       */
      personalAccessToken?: string;
      /** Project for incidents whose entities have no `jira/project-key`. */
      defaultProjectKey?: string;
      /** Issue type names, as shown in the project. */
      issueTypes?: {
        /** Default `Task`. */
        postmortem?: string;
        /** Default `Task`. */
        actionItem?: string;
      };
      /** Labels added to every issue, besides Multivac's own id label. */
      labels?: string[];
      /**
       * Issue link type between an action item and its post-mortem issue.
       * Default `Relates`.
       */
      linkType?: string;
    };
  };
}
