export interface Config {
  /** Multivac incident management. */
  multivac?: {
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
