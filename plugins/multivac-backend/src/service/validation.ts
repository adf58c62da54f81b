import { InputError } from '@backstage/errors';
import { describeZodError } from '@multivac/plugin-multivac-common';
import express from 'express';
import { z } from 'zod';

/** Deeper than any request body or query the API takes. */
const MAX_INPUT_DEPTH = 32;

/** The longest id or reference accepted in a path. */
const MAX_ID_LENGTH = 255;

/**
 * Where in `value` a string holds a NUL byte (PostgreSQL cannot store one),
 * or that it nests deeper than any input the API takes. Walks without
 * recursion, so a hostile document cannot overflow the stack.
 */
function unsafeInput(value: unknown): string | undefined {
  const stack: Array<[unknown, string, number]> = [[value, '', 0]];
  while (stack.length) {
    const [current, path, depth] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\0')) {
        return `${path || 'input'}: must not contain NUL bytes`;
      }
    } else if (current !== null && typeof current === 'object') {
      if (depth >= MAX_INPUT_DEPTH) {
        return `${path || 'input'}: nests too deeply`;
      }
      for (const [key, child] of Object.entries(current)) {
        if (key.includes('\0')) {
          return `${path || 'input'}: keys must not contain NUL bytes`;
        }
        stack.push([child, path ? `${path}.${key}` : key, depth + 1]);
      }
    }
  }
  return undefined;
}

/** Parses request input, or answers 400 naming what is wrong. */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const unsafe = unsafeInput(value);
  if (unsafe) {
    throw new InputError(`Invalid ${what}: ${unsafe}`);
  }
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new InputError(`Invalid ${what}: ${describeZodError(result.error)}`);
  }
  return result.data;
}

/**
 * Refuses path ids (`:id`, `:itemId`) that no record can have, with a 400,
 * before they reach a query: NUL bytes, or longer than any id or reference.
 */
export function checkIdParams(router: express.Router, ...names: string[]) {
  for (const name of names) {
    router.param(name, (_req, _res, next, value: string) => {
      if (value.includes('\0') || value.length > MAX_ID_LENGTH) {
        next(
          new InputError(
            `Invalid ${name}: must be at most ${MAX_ID_LENGTH} characters without NUL bytes`,
          ),
        );
        return;
      }
      next();
    });
  }
}

/** An error thrown by the database driver (PostgreSQL or SQLite). */
export function isDatabaseError(error: unknown): boolean {
  // Not `instanceof Error`: a driver loaded in another realm (as in tests)
  // throws errors of another `Error`.
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const { name, code, severity } = error as {
    name?: unknown;
    code?: unknown;
    severity?: unknown;
  };
  return (
    name === 'SqliteError' ||
    name === 'KnexTimeoutError' ||
    (typeof code === 'string' && code.startsWith('SQLITE_')) ||
    // pg's DatabaseError: a five-character SQLSTATE and a severity
    (typeof code === 'string' &&
      /^[0-9A-Z]{5}$/.test(code) &&
      typeof severity === 'string')
  );
}

/**
 * Error middleware for the plugin's routers: a database error becomes a
 * generic 500, so that SQL text and values never reach a response body.
 * The original error is kept as the `cause` for the logs.
 */
export function hideDatabaseErrors(): express.ErrorRequestHandler {
  return (error, _req, _res, next) => {
    if (isDatabaseError(error)) {
      next(
        new Error('The database could not complete the request', {
          cause: error,
        }),
      );
      return;
    }
    next(error);
  };
}
