import { z } from 'zod';
import { SEVERITIES } from './incidents';
import { isoDateTimeSchema, refSchema } from './limits';

/**
 * Longest insights period in days.
 *
 * @public
 */
export const MAX_INSIGHTS_PERIOD_DAYS = 366;

/**
 * Query of every `GET /insights/...` route: `period` is `<days>d` (1 to
 * 366) ending at `end` (default now); `team` a Group, `service` a catalog
 * entity, `severity` SEV1..SEV4.
 *
 * @public
 */
export const insightsQuerySchema = z
  .object({
    period: z
      .string()
      .superRefine((value, ctx) => {
        // One message per mistake: the range is checked only on a well-formed value.
        if (!/^\d{1,3}d$/.test(value)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: "must be a number of days such as '30d'",
          });
          return;
        }
        const days = Number(value.slice(0, -1));
        if (days < 1 || days > MAX_INSIGHTS_PERIOD_DAYS) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `must be between 1d and ${MAX_INSIGHTS_PERIOD_DAYS}d`,
          });
        }
      })
      .default('30d'),
    end: isoDateTimeSchema('must be an ISO date-time').optional(),
    team: refSchema().optional(),
    service: refSchema().optional(),
    severity: z.enum(SEVERITIES).optional(),
    person: refSchema().optional(),
  })
  .strict();

/** @public */
export type InsightsQuery = z.input<typeof insightsQuerySchema>;

/**
 * Mean and percentiles of durations in seconds; null without data. The
 * percentiles interpolate linearly between the closest ranks (PostgreSQL's
 * `percentile_cont`): the p-th of n sorted values sits at rank p·(n−1).
 *
 * @public
 */
export interface DurationStats {
  /** How many incidents had this duration. */
  n: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
}

/** @public */
export interface IncidentMetrics {
  count: number;
  /** First page → first acknowledgement. */
  mtta: DurationStats;
  /** Declared → resolved. */
  mttr: DurationStats;
  /** Declared → the last of two or more responders joined. */
  mobilise: DurationStats;
}

/** @public */
export interface InsightsPeriod {
  from: string;
  to: string;
}

/** @public */
export interface IncidentMetricsRow extends IncidentMetrics {
  /** Group ref, entity ref or severity; '' for entities without an owner. */
  key: string;
  /** Display name of the Group or entity. */
  name: string;
  previous: IncidentMetrics;
}

/** @public */
export interface IncidentTrendPoint extends IncidentMetrics {
  /** Start of the bucket (a day, or a week for periods over 31 days). */
  start: string;
}

/** @public */
export interface IncidentInsights {
  period: InsightsPeriod;
  previousPeriod: InsightsPeriod;
  total: IncidentMetrics;
  previous: IncidentMetrics;
  /** Relative change against the previous period; null where it had none. */
  change: {
    count: number | null;
    mttaMean: number | null;
    mttrMean: number | null;
    mobiliseMean: number | null;
  };
  byTeam: IncidentMetricsRow[];
  byService: IncidentMetricsRow[];
  bySeverity: IncidentMetricsRow[];
  trend: IncidentTrendPoint[];
}

/**
 * Interruptions per band, in each person's own time zone.
 *
 * @public
 */
export interface InterruptionCounts {
  total: number;
  business: number;
  evening: number;
  sleep: number;
  weekend: number;
}

/** @public */
export interface PersonInterruptions extends InterruptionCounts {
  userRef: string;
  name: string;
}

/** @public */
export interface InterruptionInsights {
  period: InsightsPeriod;
  previousPeriod: InsightsPeriod;
  total: InterruptionCounts;
  previous: InterruptionCounts;
  byPerson: PersonInterruptions[];
  /** Interruptions by local weekday (1 = Monday) and hour (0..23). */
  heatmap: Array<{ weekday: number; hour: number; count: number }>;
}

/**
 * A User's IANA time zone (e.g. `Europe/Berlin`), in which their
 * interruptions are banded; without it, the paged schedule's zone.
 *
 * @public
 */
export const ANNOTATION_TIMEZONE = 'multivac.io/timezone';
