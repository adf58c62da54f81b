import { Config } from '@backstage/config';
import {
  DEFAULT_POSTMORTEM_TEMPLATE,
  describeZodError,
  PostmortemSectionTemplate,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { z } from 'zod';

const CONFIG_KEY = 'multivac.postmortems';

/** `multivac.postmortems`, with defaults. */
export interface PostmortemSettings {
  template: PostmortemSectionTemplate[];
  /** Business days (Mon–Fri) from resolution to the due date. */
  dueBusinessDays: number;
  /** IANA zone of due dates, "today" and the times in exports. */
  timeZone: string;
  trackerSyncMinutes: number;
}

const settingsSchema = z
  .object({
    template: z
      .array(
        z
          .object({
            id: z
              .string()
              .regex(
                /^[a-z0-9][a-z0-9-]*$/,
                'use lower-case letters, digits and dashes',
              )
              .refine(id => id !== 'action-items', {
                message:
                  'action items are the post-mortem’s list of action items, not a text section',
              }),
            title: z.string().trim().min(1).max(200),
            hint: z.string().max(1000).optional(),
          })
          .strict(),
      )
      .min(1, 'name at least one section')
      .refine(
        sections => new Set(sections.map(s => s.id)).size === sections.length,
        { message: 'section ids must be unique' },
      )
      .default(DEFAULT_POSTMORTEM_TEMPLATE),
    dueBusinessDays: z.number().int().min(0).max(100).default(5),
    timeZone: z
      .string()
      .refine(zone => DateTime.local().setZone(zone).isValid, {
        message: 'must be an IANA time zone',
      })
      .default('UTC'),
    trackerSyncMinutes: z.number().int().min(1).max(1440).default(15),
  })
  .strict();

/** Reads the settings; bad config fails the start-up naming the field. */
export function readPostmortemSettings(config: Config): PostmortemSettings {
  const parsed = settingsSchema.safeParse(config.getOptional(CONFIG_KEY) ?? {});
  if (!parsed.success) {
    throw new Error(`Invalid ${CONFIG_KEY}: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}
