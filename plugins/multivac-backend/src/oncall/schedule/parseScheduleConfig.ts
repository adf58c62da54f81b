import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { parseScheduleList } from '@multivac/plugin-multivac-common';
import { ScheduleDefinition } from './types';

const CONFIG_KEY = 'multivac.onCall.schedules';

/**
 * Reads the built-in on-call schedules from `multivac.onCall.schedules`,
 * with the rules the catalog's Schedule kind uses too
 * (`parseScheduleList` of @multivac/plugin-multivac-common).
 *
 * @throws InputError naming each invalid field, e.g.
 *   `multivac.onCall.schedules[payments-primary].layers[0].handoffTime: must be HH:mm`
 */
export function parseSchedules(config: Config): ScheduleDefinition[] {
  const raw = config.getOptional(CONFIG_KEY);
  if (raw === undefined) {
    return [];
  }
  const result = parseScheduleList(raw, CONFIG_KEY);
  if (!result.ok) {
    throw new InputError(
      `Invalid on-call schedule config: ${result.problems.join('; ')}`,
    );
  }
  return result.value;
}
