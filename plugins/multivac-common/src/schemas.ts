import { z } from 'zod';
import { INCIDENT_ROLES, INCIDENT_STATES, SEVERITIES } from './incidents';
import {
  boundedJsonObjectSchema,
  INPUT_LIMITS,
  isoDateTimeSchema,
  limitSchema,
  offsetSchema,
  refSchema,
} from './limits';

/**
 * Request bodies of the REST API, validated on the server and usable by any
 * client to check input before sending it.
 */

const title = z.string().trim().min(1, 'must not be empty').max(200);
const longText = z.string().max(20000);
const entityRefs = z
  .array(refSchema())
  .min(1, 'name at least one affected catalog entity')
  .max(INPUT_LIMITS.maxListLength);
const userRef = refSchema();

/** @public */
export const declareIncidentSchema = z
  .object({
    title,
    description: longText.optional(),
    severity: z.enum(SEVERITIES),
    entityRefs,
    summary: longText.optional(),
    impact: longText.optional(),
  })
  .strict();
/** @public */
export type DeclareIncidentRequest = z.infer<typeof declareIncidentSchema>;

/** @public */
export const updateIncidentSchema = z
  .object({
    title: title.optional(),
    description: longText.optional(),
    severity: z.enum(SEVERITIES).optional(),
    entityRefs: entityRefs.optional(),
    summary: longText.optional(),
    impact: longText.optional(),
  })
  .strict()
  .refine(body => Object.keys(body).length > 0, {
    message: 'name at least one field to change',
  });
/** @public */
export type UpdateIncidentRequest = z.infer<typeof updateIncidentSchema>;

/** @public */
export const transitionSchema = z
  .object({
    to: z.enum(INCIDENT_STATES),
    note: longText.optional(),
  })
  .strict();
/** @public */
export type TransitionRequest = z.infer<typeof transitionSchema>;

/** @public */
export const roleChangeSchema = z
  .object({
    role: z.enum(INCIDENT_ROLES),
    userRef,
    action: z.enum(['assign', 'remove']).default('assign'),
  })
  .strict();
/** @public */
export type RoleChangeRequest = z.input<typeof roleChangeSchema>;

/** @public */
export const noteSchema = z
  .object({ text: z.string().trim().min(1, 'must not be empty').max(20000) })
  .strict();
/** @public */
export type NoteRequest = z.infer<typeof noteSchema>;

/**
 * A query parameter given once or repeated: always an array.
 *
 * @public
 */
export const oneOrMany = <T extends z.ZodTypeAny>(item: T) =>
  z
    .union(
      [
        item,
        z
          .array(item)
          .max(
            INPUT_LIMITS.maxListLength,
            `at most ${INPUT_LIMITS.maxListLength} values`,
          ),
      ],
      {
        // Say what is wrong with the value given (one, or a list), not
        // zod's "Invalid input" for the union.
        errorMap: (issue, ctx) => {
          if (issue.code !== z.ZodIssueCode.invalid_union) {
            return { message: ctx.defaultError };
          }
          const many = Array.isArray(ctx.data);
          const [first] = issue.unionErrors[many ? 1 : 0]?.issues ?? [];
          if (!first) {
            return { message: ctx.defaultError };
          }
          const index = first.path[issue.path.length];
          return {
            message:
              many && typeof index === 'number'
                ? `#${index + 1}: ${first.message}`
                : first.message,
          };
        },
      },
    )
    .transform(v => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);

/** @public */
export const listIncidentsQuerySchema = z
  .object({
    entityRef: oneOrMany(refSchema()).optional(),
    /** `active`: not yet resolved; `all`: any state (as no status). */
    status: oneOrMany(
      z.enum([...INCIDENT_STATES, 'active', 'all'], {
        errorMap: () => ({
          message: `must be one of ${[...INCIDENT_STATES, 'active', 'all'].join(
            ', ',
          )}`,
        }),
      }),
    ).optional(),
    severity: oneOrMany(z.enum(SEVERITIES)).optional(),
    /** Words in the title or summary, case-insensitive. */
    q: z.string().trim().max(200, 'at most 200 characters').optional(),
    from: isoDateTimeSchema().optional(),
    to: isoDateTimeSchema().optional(),
    limit: limitSchema(100, 20),
    offset: offsetSchema,
  })
  .strict();
/** @public */
export type ListIncidentsQuery = z.input<typeof listIncidentsQuerySchema>;

/**
 * A page: whoever is on call for `entityRef`, one person (`userRef`), or a
 * built-in schedule (`scheduleId`). With a person or a schedule, `entityRef`
 * is what the page is about.
 *
 * @public
 */
export const pageRequestSchema = z
  .object({
    entityRef: refSchema().optional(),
    userRef: refSchema().optional(),
    scheduleId: refSchema().optional(),
    summary: z.string().trim().min(1, 'say why you are paging').max(1000),
    urgency: z.enum(['high', 'low']).default('high'),
    /** Free-form JSON: at most 5 levels deep and 10,000 characters. */
    details: boundedJsonObjectSchema.optional(),
  })
  .strict()
  .superRefine((page, context) => {
    if (page.userRef && page.scheduleId) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['scheduleId'],
        message: 'page a person (userRef) or a schedule, not both',
      });
    } else if (!page.userRef && !page.entityRef) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['entityRef'],
        message: page.scheduleId
          ? 'say which entity the schedule is paged about'
          : "name the entity whose on-call to page, or a person's userRef",
      });
    }
  });
/** @public */
export type PageRequestBody = z.input<typeof pageRequestSchema>;

/**
 * "severity: Invalid enum value ...; title: must not be empty". Forms pass
 * their fields' `labels`, by schema key or by dotted path (`force.reason`),
 * so that people read "What is broken: must not be empty" and "Links #2:
 * must be a full URL".
 *
 * @public
 */
export function describeZodError(
  error: z.ZodError,
  labels: Record<string, string> = {},
): string {
  const where = (path: (string | number)[]) => {
    const [first, ...rest] = path;
    const exact = labels[path.join('.')];
    const label = labels[String(first)];
    if (exact || !label) {
      return exact ?? path.join('.');
    }
    return [
      label,
      ...rest.map(part => (typeof part === 'number' ? `#${part + 1}` : part)),
    ].join(' ');
  };
  return error.issues
    .map(issue =>
      issue.path.length
        ? `${where(issue.path)}: ${issue.message}`
        : issue.message,
    )
    .join('; ');
}
