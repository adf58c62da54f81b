import { DateTime } from 'luxon';
import { z } from 'zod';
import { ScheduleDefinition, WEEKDAYS } from './types';

/**
 * The rules of an on-call schedule, shared by the backend's
 * `multivac.onCall.schedules`, the catalog's Schedule entities and the
 * `multivac-schedule validate` command, so that all of them give the same
 * message for the same mistake (`...layers[0].handoffTime: must be HH:mm`).
 */

const localTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:mm' });

const isoDateTime = z
  .string()
  .refine(value => DateTime.fromISO(value).isValid, {
    message: 'must be an ISO date or date-time',
  });

const weekday = z.enum(WEEKDAYS);

const nonEmpty = { message: 'must not be empty' };
const positive = { message: 'must be positive' };

const layerSchema = z.object({
  name: z.string().min(1, nonEmpty),
  members: z.array(z.string().min(1, nonEmpty)).min(1, nonEmpty),
  rotation: z.discriminatedUnion('type', [
    z.object({ type: z.literal('daily') }),
    z.object({ type: z.literal('weekly'), handoffDay: weekday }),
    z.object({
      type: z.literal('custom'),
      hours: z.number().positive(positive),
    }),
  ]),
  handoffTime: localTime.default('09:00'),
  start: isoDateTime,
  restrictions: z
    .array(
      z.object({
        days: z.array(weekday).min(1, nonEmpty),
        from: localTime,
        to: localTime,
      }),
    )
    .min(1, nonEmpty)
    .optional(),
});

const overrideSchema = z
  .object({
    userRef: z.string().min(1, nonEmpty),
    start: isoDateTime,
    end: isoDateTime,
  })
  .refine(o => DateTime.fromISO(o.end) > DateTime.fromISO(o.start), {
    message: 'must be after start',
    path: ['end'],
  });

const escalationLevelSchema = z.object({
  timeoutMinutes: z.number().positive(positive),
  targets: z
    .array(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('schedule') }),
        z.object({
          type: z.literal('user'),
          userRef: z.string().min(1, nonEmpty),
        }),
      ]),
    )
    .min(1, nonEmpty),
});

/** The fields a config schedule and a Schedule entity's spec share. */
const scheduleFields = z.object({
  timeZone: z.string().refine(zone => DateTime.local().setZone(zone).isValid, {
    message: 'must be an IANA time zone',
  }),
  layers: z.array(layerSchema).min(1, nonEmpty),
  overrides: z.array(overrideSchema).optional(),
  escalation: z.array(escalationLevelSchema).min(1, nonEmpty).optional(),
});

const configScheduleSchema = scheduleFields
  .extend({
    id: z.string().min(1, nonEmpty),
    name: z.string().min(1, nonEmpty).optional(),
  })
  .transform(({ name, ...schedule }) => ({
    ...schedule,
    name: name ?? schedule.id,
  }));

const configSchedulesSchema = z
  .array(configScheduleSchema)
  .superRefine((schedules, ctx) => {
    const seen = new Set<string>();
    schedules.forEach((schedule, index) => {
      if (seen.has(schedule.id)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [index, 'id'],
          message: 'must be unique',
        });
      }
      seen.add(schedule.id);
    });
  });

/**
 * A Schedule entity's `spec`.
 *
 * @public
 */
export const scheduleSpecSchema = scheduleFields.extend({
  /** The owning Group, an entity ref (kind Group by default). */
  owner: z
    .string()
    .min(1, nonEmpty)
    .regex(/^(group:)?([^:/\s]+\/)?[^:/\s]+$/i, {
      message: 'must be a Group entity ref, e.g. group:default/payments',
    }),
  /** When this version applies from; default: the next hand-off after it is first seen. */
  effectiveFrom: isoDateTime.optional(),
});

/**
 * A valid Schedule entity's spec, defaults applied.
 *
 * @public
 */
export type ScheduleSpec = z.infer<typeof scheduleSpecSchema>;

/**
 * What a parse gives: the value, or one message per mistake naming its field.
 *
 * @public
 */
export type ScheduleParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; problems: string[] };

/**
 * A list of schedules as written under a config key (e.g.
 * `multivac.onCall.schedules`). Problems name a schedule by its id rather
 * than its position where it has one:
 * `multivac.onCall.schedules[payments-primary].layers[0].handoffTime: must be HH:mm`.
 *
 * @public
 */
export function parseScheduleList(
  raw: unknown,
  key: string,
): ScheduleParseResult<ScheduleDefinition[]> {
  const result = configSchedulesSchema.safeParse(raw);
  if (result.success) {
    return { ok: true, value: result.data };
  }
  return {
    ok: false,
    problems: result.error.issues.map(
      issue => `${listFieldPath(raw, key, issue.path)}: ${issue.message}`,
    ),
  };
}

/**
 * A Schedule entity's `spec`; problems name the field from `spec`, e.g.
 * `spec.layers[0].handoffTime: must be HH:mm`.
 *
 * @public
 */
export function parseScheduleSpec(
  spec: unknown,
): ScheduleParseResult<ScheduleSpec> {
  const result = scheduleSpecSchema.safeParse(spec);
  if (result.success) {
    return { ok: true, value: result.data };
  }
  return {
    ok: false,
    problems: result.error.issues.map(
      issue => `${fieldPath('spec', issue.path)}: ${issue.message}`,
    ),
  };
}

/**
 * `prefix.a[0].b` for the path ['a', 0, 'b'].
 *
 * @public
 */
export function fieldPath(
  prefix: string,
  path: ReadonlyArray<string | number>,
): string {
  return path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : `${text}.${part}`,
    prefix,
  );
}

function listFieldPath(
  raw: unknown,
  key: string,
  path: Array<string | number>,
): string {
  const [scheduleIndex, ...rest] = path;
  if (scheduleIndex === undefined) {
    return key;
  }
  const id = Array.isArray(raw)
    ? (raw[Number(scheduleIndex)] as { id?: unknown } | undefined)?.id
    : undefined;
  const scheduleName =
    typeof id === 'string' && id !== '' ? id : String(scheduleIndex);
  return fieldPath(`${key}[${scheduleName}]`, rest);
}
