import { DateTime } from 'luxon';
import { z } from 'zod';
import { isoDateTimeSchema, refSchema } from './limits';
import { OnCallPerson } from './oncall';

/** The longest window one override may cover. @public */
export const MAX_OVERRIDE_DAYS = 14;

/**
 * A shift covered by someone (an override stored by Multivac, issue 19):
 * `person` is on call for the schedule over [start, end), whatever the
 * schedule's file says.
 *
 * @public
 */
export interface OnCallOverrideRecord {
  id: string;
  scheduleId: string;
  userRef: string;
  /** ISO times (UTC). */
  start: string;
  end: string;
  /** Who made it (user ref). */
  createdBy: string;
  reason?: string;
  createdAt: string;
  cancelledAt?: string;
  cancelledBy?: string;
  /** The covering person as the directory knows them, in list answers. */
  person?: OnCallPerson;
}

/**
 * `POST /oncall/schedules/:id/overrides`: who covers and when. ISO times
 * with an offset; the window at most 14 days, ending after it starts.
 *
 * @public
 */
export const overrideRequestSchema = z
  .object({
    userRef: refSchema(),
    start: isoDateTimeSchema(),
    end: isoDateTimeSchema(),
    reason: z.string().trim().max(500).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const start = DateTime.fromISO(o.start);
    const end = DateTime.fromISO(o.end);
    if (end <= start) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['end'],
        message: 'must be after start',
      });
    } else if (end.diff(start, 'days').days > MAX_OVERRIDE_DAYS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['end'],
        message: `must be at most ${MAX_OVERRIDE_DAYS} days after start`,
      });
    }
  });

/** @public */
export type OverrideRequest = z.infer<typeof overrideRequestSchema>;
