import { z } from 'zod';

/**
 * Bounds on what the REST API accepts, so that bad input is refused with a
 * 400 naming the field instead of failing in the database.
 *
 * @public
 */
export const INPUT_LIMITS = {
  /** Largest `offset` of a list query. */
  maxOffset: 100_000,
  /** Largest human number (`INC-<n>`): PostgreSQL's `integer`. */
  maxReferenceNumber: 2_147_483_647,
  /** Longest catalog entity or user ref (the columns hold 255). */
  maxRefLength: 255,
  /** Most entity refs (or other repeated values) in one request. */
  maxListLength: 50,
  /** Years a date or time may have. */
  minYear: 1970,
  maxYear: 9999,
  /** Nesting depth of free-form JSON such as a page's `details`. */
  maxJsonDepth: 5,
  /** Size of free-form JSON, in characters of its JSON text. */
  maxJsonSize: 10_000,
  /** Longest URL of a link. */
  maxUrlLength: 2000,
} as const;

/** `offset` of a list query: a whole number from 0 to `maxOffset`. */
export const offsetSchema = z.coerce
  .number()
  .int()
  .min(0)
  .max(INPUT_LIMITS.maxOffset)
  .default(0);

/** `limit` of a list query. */
export const limitSchema = (max: number, defaultValue: number) =>
  z.coerce.number().int().min(1).max(max).default(defaultValue);

/**
 * A catalog entity ref (or user ref) as typed: non-empty, at most 255.
 *
 * @public
 */
export const refSchema = (message = 'must not be empty') =>
  z
    .string()
    .trim()
    .min(1, message)
    .max(INPUT_LIMITS.maxRefLength, 'must be at most 255 characters');

const yearOf = (value: string) => Number(value.slice(0, 4));

/**
 * True when a `YYYY-...` date or time has a year in the accepted range.
 *
 * @public
 */
export function isYearInRange(value: string): boolean {
  const year = yearOf(value);
  return year >= INPUT_LIMITS.minYear && year <= INPUT_LIMITS.maxYear;
}

const yearMessage = `the year must be from ${INPUT_LIMITS.minYear} to ${INPUT_LIMITS.maxYear}`;

/**
 * An ISO 8601 time with a zone, in the accepted years.
 *
 * @public
 */
export const isoDateTimeSchema = (message?: string) =>
  z
    .string()
    .datetime({ offset: true, message })
    // a value that is no time at all is reported by the format check alone
    .refine(v => !/^\d{4}-/.test(v) || isYearInRange(v), yearMessage);

/** Years a `YYYY-MM-DD` date may have; the format is checked elsewhere. */
export const checkDateYear = (value: string, context: z.RefinementCtx) => {
  if (!isYearInRange(value)) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: yearMessage });
  }
};

/**
 * How deeply `value` nests objects and arrays (a scalar is 0), counting no
 * further than `stopAt + 1`. Walks without recursion, so a hostile document
 * cannot overflow the stack.
 *
 * @public
 */
export function jsonDepth(value: unknown, stopAt: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') {
      continue;
    }
    deepest = Math.max(deepest, depth + 1);
    if (deepest > stopAt) {
      return deepest;
    }
    for (const child of Object.values(current)) {
      stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** Free-form JSON object, bounded in depth and size (e.g. a page's details). */
export const boundedJsonObjectSchema = z
  .record(z.unknown())
  .superRefine((value, context) => {
    const { maxJsonDepth, maxJsonSize } = INPUT_LIMITS;
    if (jsonDepth(value, maxJsonDepth) > maxJsonDepth) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `may nest at most ${maxJsonDepth} levels deep`,
      });
    } else if (JSON.stringify(value).length > maxJsonSize) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `may be at most ${maxJsonSize} characters as JSON`,
      });
    }
  });

/** A full http(s) URL; `javascript:`, `data:`, `file:` and others refused. */
export const httpUrlSchema = z
  .string()
  .trim()
  .max(INPUT_LIMITS.maxUrlLength)
  .url('must be a full URL (https://...)')
  .refine(
    // a value without a scheme is reported by the URL check alone
    url => !/^[a-z][a-z0-9+.-]*:/i.test(url) || /^https?:\/\//i.test(url),
    'must be an http(s) URL',
  );
