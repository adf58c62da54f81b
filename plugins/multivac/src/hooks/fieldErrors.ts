import { z } from 'zod';

/** A form's mistakes: each named field's, and what names no field. */
export interface FieldErrors {
  /** Form field key → what is wrong with it, beside the field. */
  fields: Record<string, string>;
  /** Mistakes that name no field of the form, one sentence each. */
  other: string[];
}

/** `links.0` → `links` and `#1: ` before the message. */
function place(
  path: (string | number)[],
  message: string,
  known: Set<string>,
  aliases: Record<string, string>,
): [string, string] | undefined {
  const [first, ...rest] = path;
  const field = aliases[String(first)] ?? String(first);
  if (!known.has(field)) {
    return undefined;
  }
  const where = rest
    .map(part => {
      const n = Number(part);
      return Number.isInteger(n) ? `#${n + 1}` : String(part);
    })
    .join(' ');
  return [field, where ? `${where}: ${message}` : message];
}

function collect(
  issues: Array<{ path: (string | number)[]; message: string }>,
  fields: string[],
  aliases: Record<string, string>,
  labelOf: (path: (string | number)[], message: string) => string,
): FieldErrors {
  const known = new Set(fields);
  const result: FieldErrors = { fields: {}, other: [] };
  for (const issue of issues) {
    const placed = issue.path.length
      ? place(issue.path, issue.message, known, aliases)
      : undefined;
    if (placed) {
      const [field, message] = placed;
      // The first mistake per field is the one to fix first.
      result.fields[field] ??= message;
    } else {
      result.other.push(labelOf(issue.path, issue.message));
    }
  }
  return result;
}

/** The schema's mistakes, placed on the form's `fields`. */
export function fieldErrorsFromZod(
  error: z.ZodError,
  fields: string[],
  aliases: Record<string, string> = {},
): FieldErrors {
  return collect(error.issues, fields, aliases, (path, message) =>
    path.length ? `${path.join('.')}: ${message}` : message,
  );
}

const PATH = /^([A-Za-z][\w]*(?:\.[\w]+)*): /;

/**
 * The server's refusal, placed on the form's `fields`. Its 400s name the
 * field first (`Invalid report: region: say which region; links.0: must be a
 * full URL`, `entityRefs: unknown catalog entity: ...`); `aliases` maps the
 * server's names for a field to the form's. Whatever names no field of the
 * form is kept whole.
 */
export function fieldErrorsFromMessage(
  message: string,
  fields: string[],
  aliases: Record<string, string> = {},
): FieldErrors {
  const body = message.replace(/^Invalid [\w -]+: (?=[A-Za-z][\w.]*: )/, '');
  // A message may hold '; ' itself: a part starts only where a path does.
  const parts = body.split(/; (?=[A-Za-z][\w]*(?:\.[\w]+)*: )/);
  const issues = parts.map(part => {
    const match = PATH.exec(part);
    return match
      ? {
          path: match[1]
            .split('.')
            .map(segment =>
              /^\d+$/.test(segment) ? Number(segment) : segment,
            ),
          message: part.slice(match[0].length),
        }
      : { path: [], message: part };
  });
  const placed = collect(issues, fields, aliases, (path, text) =>
    path.length ? `${path.join('.')}: ${text}` : text,
  );
  // Nothing placed: the refusal is shown as the server wrote it.
  if (Object.keys(placed.fields).length === 0) {
    return { fields: {}, other: [message] };
  }
  return placed;
}
