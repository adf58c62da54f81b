import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DateTime } from 'luxon';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PeopleNames } from '../service/peopleNames';
import {
  previewMarkdownOf,
  renderSchedule,
  ScheduleForm,
} from './renderSchedule';

/** Where the file goes in the workspace unless the step says otherwise. */
export const DEFAULT_SCHEDULE_PATH = 'catalog-info-oncall.yaml';

/**
 * `multivac:schedule:render`: the Schedule entity file from the "Put a
 * team on call" form, validated by the catalog processor's own code, and a
 * preview of who is on call for the next 4 weeks.
 *
 * The input schema takes the form's fields loosely (strings where the
 * schedule wants `HH:mm`, a zone, a weekday): their rules are the
 * schedule's, so a mistake fails the step with the catalog's message
 * (`spec.layers[0].handoffTime: must be HH:mm`) and never reaches a pull
 * request.
 */
export function createRenderScheduleAction(
  options: {
    now?: () => DateTime;
    /** How the preview names people (display names from the catalog). */
    names?: PeopleNames;
  } = {},
) {
  const now = options.now ?? (() => DateTime.now());
  return createTemplateAction({
    id: 'multivac:schedule:render',
    description:
      "Writes a team's on-call schedule (a Multivac Schedule entity) to the workspace, validated with the catalog's rules, and outputs who is on call for the next 4 weeks.",
    supportsDryRun: true,
    examples: [
      {
        description: 'A weekly rotation of the payments team',
        example: [
          'steps:',
          '  - id: schedule',
          '    action: multivac:schedule:render',
          '    input:',
          '      team: group:default/payments',
          '      members: [user:default/ada.lovelace, user:default/grace.hopper]',
          '      rotationType: weekly',
          '      handoffDay: monday',
          "      handoffTime: '09:00'",
          '      timeZone: Europe/Berlin',
          '      escalateTo: [user:default/ken.thompson]',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        team: z =>
          z.string({ description: 'The owning Group (entity ref or name)' }),
        members: z =>
          z.array(z.string(), {
            description: 'Users in rotation order (entity refs or names)',
          }),
        rotationType: z => z.string({ description: 'daily, weekly or custom' }),
        handoffDay: z =>
          z
            .string({ description: 'Weekly rotations: the hand-off day' })
            .optional(),
        handoffTime: z =>
          z
            .string({
              description: 'Local HH:mm of the hand-off; default 09:00',
            })
            .optional(),
        rotationHours: z =>
          z
            .number({ description: 'Custom rotations: hours per turn' })
            .optional(),
        timeZone: z => z.string({ description: 'IANA time zone' }),
        start: z =>
          z
            .string({
              description:
                "When the first member's first shift starts; default the next hand-off",
            })
            .optional(),
        businessHoursOnly: z =>
          z
            .boolean({ description: 'On call only in business hours' })
            .optional(),
        businessDays: z =>
          z
            .array(z.string(), { description: 'Default Monday to Friday' })
            .optional(),
        businessHoursFrom: z =>
          z.string({ description: 'Local HH:mm; default 09:00' }).optional(),
        businessHoursTo: z =>
          z.string({ description: 'Local HH:mm; default 17:00' }).optional(),
        acknowledgeMinutes: z =>
          z
            .number({
              description: 'Minutes to acknowledge a page; default 15',
            })
            .optional(),
        escalateTo: z =>
          z
            .array(z.string(), {
              description: 'Users paged next when nobody acknowledges',
            })
            .optional(),
        escalateAfterMinutes: z =>
          z
            .number({
              description: 'Minutes they have to acknowledge; default 15',
            })
            .optional(),
        name: z =>
          z
            .string({
              description: 'The Schedule entity name; default <team>-primary',
            })
            .optional(),
        title: z =>
          z.string({ description: 'Default <Team> on call' }).optional(),
        description: z => z.string().optional(),
        effectiveFrom: z =>
          z
            .string({
              description:
                'When this version applies from (ISO); default the next hand-off',
            })
            .optional(),
        path: z =>
          z
            .string({
              description: `Where to write the file in the workspace; default ${DEFAULT_SCHEDULE_PATH}`,
            })
            .optional(),
      },
      output: {
        filePath: z => z.string({ description: 'The file in the workspace' }),
        entityRef: z => z.string({ description: 'The Schedule entity' }),
        content: z => z.string({ description: 'The file as written' }),
        preview: z =>
          z.array(
            z.object({
              userRef: z.string(),
              start: z.string(),
              end: z.string(),
              layer: z.string(),
            }),
            { description: 'Who is on call for the next 4 weeks' },
          ),
        previewMarkdown: z =>
          z.string({ description: 'The preview as a Markdown table' }),
      },
    },
    async handler(ctx) {
      const { path: filePath = DEFAULT_SCHEDULE_PATH, ...form } = ctx.input;
      const rendered = renderSchedule(form as ScheduleForm, now());
      if (!rendered.ok) {
        for (const problem of rendered.problems) {
          ctx.logger.error(problem);
        }
        throw new InputError(
          `The schedule is not valid: ${rendered.problems.join('; ')}`,
        );
      }
      const previewMarkdown = options.names
        ? previewMarkdownOf(
            rendered.definition.timeZone,
            rendered.preview,
            await options.names(rendered.preview.map(shift => shift.userRef)),
          )
        : rendered.previewMarkdown;
      const target = resolveSafeChildPath(ctx.workspacePath, filePath);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, rendered.yaml, 'utf8');
      ctx.logger.info(
        `Wrote ${rendered.entityRef} to ${filePath}\n${previewMarkdown}`,
      );
      ctx.output('filePath', filePath);
      ctx.output('entityRef', rendered.entityRef);
      ctx.output('content', rendered.yaml);
      ctx.output('preview', rendered.preview);
      ctx.output('previewMarkdown', previewMarkdown);
    },
  });
}
