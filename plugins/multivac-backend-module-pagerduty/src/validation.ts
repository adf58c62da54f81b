import { z } from 'zod';

/** `path: message` for each issue, e.g. `event.id: Required`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(issue => `${issue.path.join('.') || 'body'}: ${issue.message}`)
    .join(', ');
}
