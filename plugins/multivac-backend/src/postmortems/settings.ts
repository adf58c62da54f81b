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
  /** Ids of the sections that must be written before publishing. */
  requiredSections: string[];
  /** Publishing needs at least one action item. */
  requireActionItems: boolean;
  /** Most reviewers filled in from the owning teams when one is created. */
  maxDefaultReviewers: number;
}

/**
 * Required when no section of the template says `required`: what a reader
 * needs first (what happened, why, to whom). Trigger is the default
 * template's root-cause section.
 */
export const DEFAULT_REQUIRED_SECTIONS = ['summary', 'trigger', 'impact'];

/** The template's `required` sections, else the default ones it has. */
export function requiredSectionsOf(
  template: PostmortemSectionTemplate[],
): string[] {
  const marked = template.filter(s => s.required !== undefined);
  if (marked.length > 0) {
    return marked.filter(s => s.required).map(s => s.id);
  }
  return template
    .map(s => s.id)
    .filter(id => DEFAULT_REQUIRED_SECTIONS.includes(id));
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
            required: z.boolean().optional(),
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
    requireActionItems: z.boolean().default(true),
    maxDefaultReviewers: z.number().int().min(0).max(20).default(10),
  })
  .strict();

/** Reads the settings; bad config fails the start-up naming the field. */
export function readPostmortemSettings(config: Config): PostmortemSettings {
  const parsed = settingsSchema.safeParse(config.getOptional(CONFIG_KEY) ?? {});
  if (!parsed.success) {
    throw new Error(`Invalid ${CONFIG_KEY}: ${describeZodError(parsed.error)}`);
  }
  return {
    ...parsed.data,
    requiredSections: requiredSectionsOf(parsed.data.template),
  };
}
