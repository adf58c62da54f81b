import { Config } from '@backstage/config';
import {
  DEFAULT_SEVERITY_RUBRIC,
  describeZodError,
  IMPACT_SCOPES,
  SEVERITIES,
  SeverityRubric,
  USERS_AFFECTED,
} from '@multivac/plugin-multivac-common';
import { z } from 'zod';

const CONFIG_KEY = 'multivac.severityRubric';

const rubricSchema = z
  .object(
    Object.fromEntries(
      IMPACT_SCOPES.map(scope => [
        scope,
        z
          .object(
            Object.fromEntries(
              USERS_AFFECTED.map(users => [
                users,
                z.enum(SEVERITIES).optional(),
              ]),
            ),
          )
          .strict()
          .optional(),
      ]),
    ),
  )
  .strict();

/**
 * `multivac.severityRubric`: cells given in config replace the default's, so
 * a team can change one cell without restating the rest. A bad cell fails the
 * start-up with a message naming it.
 */
export function readSeverityRubric(config: Config): SeverityRubric {
  const raw = config.getOptional(CONFIG_KEY) ?? {};
  const parsed = rubricSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid ${CONFIG_KEY}: ${describeZodError(parsed.error)} ` +
        `(scopes: ${IMPACT_SCOPES.join(
          ', ',
        )}; users affected: ${USERS_AFFECTED.join(
          ', ',
        )}; severities: ${SEVERITIES.join(', ')})`,
    );
  }
  const overrides = parsed.data as Partial<
    Record<string, Partial<Record<string, string>>>
  >;
  return Object.fromEntries(
    IMPACT_SCOPES.map(scope => [
      scope,
      { ...DEFAULT_SEVERITY_RUBRIC[scope], ...overrides[scope] },
    ]),
  ) as SeverityRubric;
}
