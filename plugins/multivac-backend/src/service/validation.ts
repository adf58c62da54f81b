import { InputError } from '@backstage/errors';
import { describeZodError } from '@multivac/plugin-multivac-common';
import { z } from 'zod';

/** Parses request input, or answers 400 naming what is wrong. */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new InputError(`Invalid ${what}: ${describeZodError(result.error)}`);
  }
  return result.data;
}
