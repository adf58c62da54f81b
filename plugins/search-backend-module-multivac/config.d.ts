import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  search?: {
    collators?: {
      /** Multivac's incidents and post-mortems in search. */
      multivac?: {
        /**
         * How often both collators re-read Multivac and rebuild their index.
         * Default: every 10 minutes, timeout 15 minutes, first run 3 seconds
         * after start.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Items asked for per REST request, 1..100 (the API's limit). Default 100. */
        pageSize?: number;
      };
    };
  };
}
