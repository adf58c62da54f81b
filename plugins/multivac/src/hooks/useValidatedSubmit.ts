import { describeZodError } from '@multivac/plugin-multivac-common';
import { useCallback, useState } from 'react';
import { z } from 'zod';

/**
 * Form submission shared by the dialogs: checks the input against the same
 * schema the backend uses (so mistakes are named before anything is sent),
 * sends it, and keeps the backend's error message if it refuses. Mistakes
 * name the fields by their `labels` (schema key → the label on the form).
 */
export function useValidatedSubmit<T extends z.ZodTypeAny, R>(
  schema: T,
  send: (input: z.output<T>) => Promise<R>,
  onDone: (result: R) => void,
  labels?: Record<string, string>,
) {
  const [error, setError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  const submit = useCallback(
    async (input: z.input<T>) => {
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        setError(describeZodError(parsed.error, labels));
        return;
      }
      setSubmitting(true);
      setError(undefined);
      try {
        onDone(await send(parsed.data));
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setSubmitting(false);
      }
    },
    [schema, send, onDone, labels],
  );

  return { submit, submitting, error, setError };
}
