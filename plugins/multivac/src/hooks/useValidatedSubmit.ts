import { describeZodError } from '@multivac/plugin-multivac-common';
import { useCallback, useState } from 'react';
import { z } from 'zod';
import {
  FieldErrors,
  fieldErrorsFromMessage,
  fieldErrorsFromZod,
} from './fieldErrors';

const NO_FIELD_ERRORS: FieldErrors = { fields: {}, other: [] };

/**
 * Form submission shared by the dialogs: checks the input against the same
 * schema the backend uses (so mistakes are named before anything is sent),
 * sends it, and keeps the backend's error message if it refuses. Mistakes
 * name the fields by their `labels` (schema key → the label on the form).
 *
 * `fieldErrors` places the same mistakes, the schema's or the server's, on
 * the fields of `labels` (what the server calls a field may be mapped with
 * `aliases`, e.g. `entityRefs` → `entityRef`), for forms that show each
 * beside its field; `error` stays the whole message for those that do not.
 */
export function useValidatedSubmit<T extends z.ZodTypeAny, R>(
  schema: T,
  send: (input: z.output<T>) => Promise<R>,
  onDone: (result: R) => void,
  labels?: Record<string, string>,
  aliases?: Record<string, string>,
) {
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);
  const [submitting, setSubmitting] = useState(false);

  const submit = useCallback(
    async (input: z.input<T>) => {
      const fields = Object.keys(labels ?? {});
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        setError(describeZodError(parsed.error, labels));
        setFieldErrors(fieldErrorsFromZod(parsed.error, fields, aliases));
        return;
      }
      setSubmitting(true);
      setError(undefined);
      setFieldErrors(NO_FIELD_ERRORS);
      try {
        onDone(await send(parsed.data));
      } catch (err) {
        const message = (err as Error).message;
        setError(message);
        setFieldErrors(fieldErrorsFromMessage(message, fields, aliases));
      } finally {
        setSubmitting(false);
      }
    },
    [schema, send, onDone, labels, aliases],
  );

  return { submit, submitting, error, setError, fieldErrors };
}
