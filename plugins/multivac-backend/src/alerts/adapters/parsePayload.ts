import { InputError } from '@backstage/errors';
import { describeZodError } from '@multivac/plugin-multivac-common';
import { z } from 'zod';

/** Parses a vendor payload, or a 400 naming what is missing or wrong. */
export function parsePayload<T extends z.ZodTypeAny>(
  schema: T,
  payload: unknown,
  vendor: string,
): z.output<T> {
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw new InputError(
      `Unreadable ${vendor} payload: ${describeZodError(result.error)}`,
    );
  }
  return result.data;
}
