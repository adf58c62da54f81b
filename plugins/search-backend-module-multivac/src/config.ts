import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** Where the module's settings live in the app config. */
export const CONFIG_KEY = 'search.collators.multivac';

/** The REST API answers at most 100 items a page. */
export const MAX_PAGE_SIZE = 100;

/** Every 10 minutes, first a few seconds after start, as the catalog collator. */
export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 3 },
};

/** The collators' options, read from `search.collators.multivac`. */
export interface MultivacCollatorOptions {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Items asked for per REST request (1..100). */
  pageSize: number;
}

/** Reads `search.collators.multivac`; a bad value is an error naming the key. */
export function readCollatorOptions(root: Config): MultivacCollatorOptions {
  const config = root.getOptionalConfig(CONFIG_KEY);
  let schedule = DEFAULT_SCHEDULE;
  const scheduleConfig = config?.getOptionalConfig('schedule');
  if (scheduleConfig) {
    try {
      schedule =
        readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig);
    } catch (error) {
      throw new InputError(`Invalid ${CONFIG_KEY}.schedule: ${error}`);
    }
  }
  const pageSize = config?.getOptionalNumber('pageSize') ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new InputError(
      `Invalid ${CONFIG_KEY}.pageSize: must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`,
    );
  }
  return { schedule, pageSize };
}
