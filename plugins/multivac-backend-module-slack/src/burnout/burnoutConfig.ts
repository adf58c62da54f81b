import { Config } from '@backstage/config';

/** `multivac.slack.burnoutNudge`. */
export interface BurnoutNudgeConfig {
  enabled: boolean;
  /** The lead's local hour (0–23) from which the nudge is sent. */
  hour: number;
}

const KEY = 'multivac.slack.burnoutNudge';
export const DEFAULT_NUDGE_HOUR = 9;

/**
 * Reads `multivac.slack.burnoutNudge` (off when absent); throws naming the
 * key of a bad value.
 */
export function readBurnoutNudge(config: Config): BurnoutNudgeConfig {
  const entry = config.getOptionalConfig(KEY);
  const enabled = entry?.getOptionalBoolean('enabled') ?? false;
  const hour = entry?.getOptionalNumber('hour') ?? DEFAULT_NUDGE_HOUR;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new Error(
      `${KEY}.hour must be a whole hour from 0 to 23, got ${hour}`,
    );
  }
  return { enabled, hour };
}
