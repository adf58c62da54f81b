import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { ScheduleDefinition, WEEKDAYS } from './types';

const CONFIG_KEY = 'multivac.onCall.schedules';

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

const scheduleSchema = z
  .object({
    id: z.string().min(1, nonEmpty),
    name: z.string().min(1, nonEmpty).optional(),
    timeZone: z
      .string()
      .refine(zone => DateTime.local().setZone(zone).isValid, {
        message: 'must be an IANA time zone',
      }),
    layers: z.array(layerSchema).min(1, nonEmpty),
    overrides: z.array(overrideSchema).optional(),
    escalation: z.array(escalationLevelSchema).min(1, nonEmpty).optional(),
  })
  .transform(({ name, ...schedule }) => ({
    ...schedule,
    name: name ?? schedule.id,
  }));

const schedulesSchema = z
  .array(scheduleSchema)
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
 * Reads the built-in on-call schedules from `multivac.onCall.schedules`.
 *
 * @throws InputError naming each invalid field, e.g.
 *   `multivac.onCall.schedules[payments-primary].layers[0].handoffTime: must be HH:mm`
 */
export function parseSchedules(config: Config): ScheduleDefinition[] {
  const raw = config.getOptional(CONFIG_KEY);
  if (raw === undefined) {
    return [];
  }
  const result = schedulesSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      issue => `${fieldPath(raw, issue.path)}: ${issue.message}`,
    );
    throw new InputError(
      `Invalid on-call schedule config: ${problems.join('; ')}`,
    );
  }
  return result.data;
}

/** Names a schedule by its id rather than its position, where it has one. */
function fieldPath(raw: unknown, path: Array<string | number>): string {
  const [scheduleIndex, ...rest] = path;
  if (scheduleIndex === undefined) {
    return CONFIG_KEY;
  }
  const id = Array.isArray(raw)
    ? (raw[Number(scheduleIndex)] as { id?: unknown } | undefined)?.id
    : undefined;
  const scheduleName =
    typeof id === 'string' && id !== '' ? id : String(scheduleIndex);
  return rest.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : `${text}.${part}`,
    `${CONFIG_KEY}[${scheduleName}]`,
  );
}
