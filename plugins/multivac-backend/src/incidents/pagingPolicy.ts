import { Config } from '@backstage/config';
import { Severity, SEVERITIES } from '@multivac/plugin-multivac-common';

/** How urgently a new incident of each severity pages its on-call. */
export type DeclarePagingPolicy = Record<Severity, 'high' | 'low' | 'none'>;

export const DEFAULT_DECLARE_PAGING: DeclarePagingPolicy = {
  SEV1: 'high',
  SEV2: 'high',
  SEV3: 'low',
  SEV4: 'none',
};

const URGENCIES = ['high', 'low', 'none'];

/**
 * `multivac.incidents.paging`: the default, with the severities given
 * replaced; a bad value fails the start-up naming the key.
 */
export function readDeclarePagingPolicy(config: Config): DeclarePagingPolicy {
  const section = config.getOptionalConfig('multivac.incidents.paging');
  const policy = { ...DEFAULT_DECLARE_PAGING };
  for (const severity of SEVERITIES) {
    const urgency = section?.getOptionalString(severity);
    if (urgency === undefined) {
      continue;
    }
    if (!URGENCIES.includes(urgency)) {
      throw new Error(
        `multivac.incidents.paging.${severity}: '${urgency}' is not one of ${URGENCIES.join(
          ', ',
        )}`,
      );
    }
    policy[severity] = urgency as DeclarePagingPolicy[Severity];
  }
  return policy;
}
