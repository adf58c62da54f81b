import { MarkdownContent, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { scaffolderPlugin } from '@backstage/plugin-scaffolder';
import {
  createScaffolderFieldExtension,
  FieldExtensionComponentProps,
  scaffolderApiRef,
} from '@backstage/plugin-scaffolder-react';
import { Typography } from '@material-ui/core';
import { useEffect, useState } from 'react';

/** The form fields `multivac:schedule:render` takes (the rest of the form is the pull request's). */
export const SCHEDULE_FIELDS = [
  'team',
  'members',
  'rotationType',
  'handoffDay',
  'handoffTime',
  'rotationHours',
  'timeZone',
  'businessHoursOnly',
  'acknowledgeMinutes',
  'escalateTo',
  'escalateAfterMinutes',
] as const;

/** How long the form must be still before the preview is asked for. */
export const PREVIEW_DEBOUNCE_MS = 400;

/**
 * A one-step template: `multivac:schedule:render` with the form's values,
 * run as a Scaffolder dry run, so the preview is the action's own (the same
 * validation, the same on-call engine) and nothing leaves the workspace.
 */
export function previewTemplate(values: Record<string, unknown>) {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'multivac-schedule-preview' },
    spec: {
      type: 'preview',
      parameters: [],
      steps: [
        {
          id: 'schedule',
          name: 'Preview the schedule',
          action: 'multivac:schedule:render',
          input: values,
        },
      ],
      output: {
        text: [
          {
            title: 'Preview',
            content: '${{ steps.schedule.output.previewMarkdown }}',
          },
        ],
      },
    },
  };
}

type State =
  | { kind: 'incomplete' }
  | { kind: 'loading' }
  | { kind: 'preview'; markdown: string }
  | { kind: 'error'; message: string };

/**
 * `ui:field: MultivacSchedulePreview`: who is on call for the next 4 weeks
 * with the schedule the form describes so far (the whole form, from the
 * Scaffolder's form context), or the schedule's mistake in the catalog's
 * words. Its own value is never set.
 */
export const SchedulePreviewField = (
  props: FieldExtensionComponentProps<string>,
) => {
  const scaffolderApi = useApi(scaffolderApiRef);
  const formData = (props.formContext?.formData ?? {}) as Record<
    string,
    unknown
  >;
  const values: Record<string, unknown> = {};
  for (const field of SCHEDULE_FIELDS) {
    if (formData[field] !== undefined && formData[field] !== '') {
      values[field] = formData[field];
    }
  }
  // The effect runs again only when a schedule field changes.
  const key = JSON.stringify(values);
  const [state, setState] = useState<State>({ kind: 'incomplete' });

  useEffect(() => {
    const given = JSON.parse(key) as Record<string, unknown>;
    const members = given.members as unknown[] | undefined;
    if (!given.team || !members?.length || !given.timeZone) {
      setState({ kind: 'incomplete' });
      return undefined;
    }
    let cancelled = false;
    setState({ kind: 'loading' });
    const timer = setTimeout(() => {
      scaffolderApi.dryRun!({
        template: previewTemplate(given) as any,
        values: {},
        directoryContents: [],
      })
        .then(result => {
          if (!cancelled) {
            const text = result.output.text?.[0];
            setState({
              kind: 'preview',
              markdown: String(text?.content ?? ''),
            });
          }
        })
        .catch((error: Error) => {
          if (!cancelled) {
            setState({ kind: 'error', message: error.message });
          }
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, scaffolderApi]);

  return (
    <div data-testid="schedule-preview">
      <Typography variant="h6">{props.schema.title ?? 'Preview'}</Typography>
      {state.kind === 'incomplete' && (
        <Typography variant="body2" color="textSecondary">
          Give the team, its members and the time zone to see who is on call for
          the next 4 weeks.
        </Typography>
      )}
      {state.kind === 'loading' && <Progress />}
      {state.kind === 'error' && (
        <Typography color="error" role="alert">
          {state.message}
        </Typography>
      )}
      {state.kind === 'preview' && <MarkdownContent content={state.markdown} />}
    </div>
  );
};

/** Register under the Scaffolder page (`<ScaffolderFieldExtensions>`). */
export const SchedulePreviewFieldExtension = scaffolderPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MultivacSchedulePreview',
    component: SchedulePreviewField,
  }),
);
