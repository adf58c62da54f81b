import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  describeZodError,
  ReleaseEnvironment,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { RRule } from 'rrule';
import { z } from 'zod';

const CONFIG_KEY = 'multivac.releases';

export const DEFAULT_RELEASE_ENVIRONMENTS: ReleaseEnvironment[] = [
  { id: 'production', policy: 'block' },
  { id: 'staging', policy: 'warn' },
];

/**
 * What a freeze applies to (lower-case full refs); no lists at all means
 * every release.
 */
export interface FreezeScope {
  systems: string[];
  groups: string[];
  entities: string[];
  /** Empty: every environment. */
  environments: string[];
}

export type FreezeDefinition = {
  id: string;
  name: string;
  reason?: string;
  scope: FreezeScope;
} & (
  | { type: 'once'; start: string; end: string }
  | {
      type: 'recurring';
      /** Counts in floating time: its dates' UTC fields are local wall-clock times. */
      rule: RRule;
      durationMinutes: number;
      timeZone: string;
    }
);

/** `multivac.releases`, with defaults. */
export interface ReleaseSettings {
  environments: ReleaseEnvironment[];
  /** IANA zone of the times in conflict sentences. */
  timeZone: string;
  /** How many dependsOn/API links away another release still conflicts. */
  dependencyDepth: number;
  /** Whether releases of the same System conflict. */
  sameSystem: boolean;
  catalogRefreshMinutes: number;
  /**
   * Active incidents freeze releases of affected entities that start within
   * this many hours: when an incident ends is not known in advance.
   */
  incidentFreezeHours: number;
  freezes: FreezeDefinition[];
}

const zone = z
  .string()
  .refine(value => DateTime.local().setZone(value).isValid, {
    message: 'must be an IANA time zone, e.g. Europe/Berlin',
  });

const isoTime = z.string().datetime({
  offset: true,
  message:
    'must be an ISO 8601 time with a zone, e.g. 2026-11-27T00:00:00+01:00',
});

const refList = z.array(z.string().trim().min(1)).default([]);

const freezeSchema = z
  .object({
    id: z.string().trim().min(1, 'must not be empty'),
    name: z.string().trim().min(1, 'must not be empty'),
    reason: z.string().trim().min(1).optional(),
    start: isoTime.optional(),
    end: isoTime.optional(),
    rrule: z.string().trim().min(1).optional(),
    durationMinutes: z.number().int().positive().optional(),
    timeZone: zone.optional(),
    systems: refList,
    groups: refList,
    entities: refList,
    environments: z.array(z.string().trim().min(1)).default([]),
  })
  .strict()
  .superRefine((freeze, context) => {
    const issue = (path: string, message: string) =>
      context.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
    if (freeze.rrule) {
      if (freeze.start || freeze.end) {
        issue('rrule', 'give either start and end, or rrule, not both');
      }
      if (!freeze.durationMinutes) {
        issue('durationMinutes', 'a recurring freeze needs its length');
      }
    } else if (!freeze.start || !freeze.end) {
      issue('start', 'give start and end, or a recurring rrule');
    } else if (Date.parse(freeze.end) <= Date.parse(freeze.start)) {
      issue('end', 'must be after start');
    }
  });

const settingsSchema = z
  .object({
    environments: z
      .array(
        z
          .object({
            id: z.string().trim().min(1, 'must not be empty'),
            policy: z.enum(['warn', 'block']),
          })
          .strict(),
      )
      .min(1, 'name at least one environment')
      .refine(list => new Set(list.map(e => e.id)).size === list.length, {
        message: 'environment ids must be unique',
      })
      .default(DEFAULT_RELEASE_ENVIRONMENTS),
    timeZone: zone.default('UTC'),
    dependencyDepth: z.number().int().min(0).max(10).default(2),
    sameSystem: z.boolean().default(true),
    catalogRefreshMinutes: z.number().positive().default(5),
    incidentFreezeHours: z.number().min(0).default(24),
    freezes: z
      .array(freezeSchema)
      .default([])
      .refine(list => new Set(list.map(f => f.id)).size === list.length, {
        message: 'freeze ids must be unique',
      }),
  })
  .strict();

/** Reads the settings; bad config fails the start-up naming the field. */
export function readReleaseSettings(config: Config): ReleaseSettings {
  const parsed = settingsSchema.safeParse(config.getOptional(CONFIG_KEY) ?? {});
  if (!parsed.success) {
    throw new Error(`Invalid ${CONFIG_KEY}: ${describeZodError(parsed.error)}`);
  }
  const settings = parsed.data;
  return {
    ...settings,
    freezes: settings.freezes.map((freeze, index) =>
      toFreeze(freeze, index, settings.timeZone),
    ),
  };
}

function toFreeze(
  freeze: z.infer<typeof freezeSchema>,
  index: number,
  defaultZone: string,
): FreezeDefinition {
  const field = `${CONFIG_KEY}.freezes.${index}`;
  const ref = (kind: string) => (value: string) => {
    try {
      // Lower-case, as the catalog spells relations.
      return stringifyEntityRef(
        parseEntityRef(value, {
          defaultKind: kind,
          defaultNamespace: 'default',
        }),
      ).toLocaleLowerCase('en-US');
    } catch {
      throw new Error(`Invalid ${field}: '${value}' is not an entity ref`);
    }
  };
  const common = {
    id: freeze.id,
    name: freeze.name,
    reason: freeze.reason,
    scope: {
      systems: freeze.systems.map(ref('system')),
      groups: freeze.groups.map(ref('group')),
      entities: freeze.entities.map(ref('component')),
      environments: freeze.environments,
    },
  };
  if (!freeze.rrule) {
    return {
      ...common,
      type: 'once',
      start: new Date(freeze.start!).toISOString(),
      end: new Date(freeze.end!).toISOString(),
    };
  }
  const timeZone = freeze.timeZone ?? defaultZone;
  return {
    ...common,
    type: 'recurring',
    rule: parseRule(freeze.rrule, timeZone, `${field}.rrule`),
    durationMinutes: freeze.durationMinutes!,
    timeZone,
  };
}

/**
 * An RRULE (optionally with a DTSTART line in the freeze's zone) as a rule
 * over floating local time, so that occurrences keep their wall-clock time
 * across daylight-saving changes. Without DTSTART it counts from Monday
 * 2000-01-03 00:00, so give BYDAY/BYHOUR/BYMINUTE.
 */
function parseRule(text: string, timeZone: string, field: string): RRule {
  let options;
  try {
    options = RRule.parseString(text);
  } catch (error) {
    throw new Error(`Invalid ${field}: ${(error as Error).message}`);
  }
  if (options.freq === undefined) {
    throw new Error(
      `Invalid ${field}: '${text}' has no valid FREQ, e.g. FREQ=WEEKLY;BYDAY=FR;BYHOUR=16`,
    );
  }
  if (options.tzid && options.tzid !== timeZone) {
    throw new Error(
      `Invalid ${field}: DTSTART is in ${options.tzid} but the freeze's timeZone is ${timeZone}`,
    );
  }
  return new RRule({
    ...options,
    tzid: null,
    dtstart: options.dtstart ?? new Date(Date.UTC(2000, 0, 3)),
  });
}
