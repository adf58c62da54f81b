import { z } from 'zod';
import { insightsQuerySchema, InsightsPeriod } from './insights';

/**
 * Query of `GET /insights/oncall-load`: `period` (`<days>d`, 1 to 366)
 * ending at `end` (default now), `team` a Group (its schedules), `person`
 * one person's rows.
 *
 * @public
 */
export const oncallLoadQuerySchema = insightsQuerySchema
  .pick({ period: true, end: true, team: true, person: true })
  .strict();

/** @public */
export type OnCallLoadQuery = z.input<typeof oncallLoadQuerySchema>;

/**
 * One person's on-call load on one built-in schedule over the period.
 *
 * @public
 */
export interface OnCallLoadPerson {
  scheduleId: string;
  userRef: string;
  name: string;
  /** Hours on call (layers, restrictions and overrides applied). */
  hours: number;
  /** Maximal spans of uninterrupted on-call time, cut at the period's ends. */
  shifts: number;
  /** Interruptions (60-second merge) that fell inside the person's shifts. */
  interruptions: number;
  /** interruptions / shifts; null without shifts. */
  interruptionsPerShift: number | null;
  /** The most interruptions in one shift. */
  maxPerShift: number;
  /** Distinct, non-overlapping runs of 3 or more interruptions within 60 minutes. */
  bursts: number;
  /** Nights (22:00–08:00 local, dated by their start) with 2 or more interruptions. */
  badNights: number;
  /** 12-hour pieces of shifts with more than two incidents (Google SRE's limit). */
  sreBreaches: number;
  /** Share of the schedule's on-call hours, 0..1. */
  hoursShare: number;
  /** Share of the schedule's interruptions, 0..1; null when it had none. */
  interruptionsShare: number | null;
  /** 1 / the number of people on call on the schedule in the period. */
  evenShare: number;
}

/** @public */
export interface OnCallLoadSchedule {
  id: string;
  name: string;
  timeZone: string;
  hours: number;
  interruptions: number;
  /** People on call on the schedule at some time in the period. */
  people: number;
  /** Gini coefficient of interruptions among those people; null without any. */
  gini: number | null;
  persons: OnCallLoadPerson[];
}

/** @public */
export interface OnCallLoad {
  period: InsightsPeriod;
  schedules: OnCallLoadSchedule[];
}
