import { z } from 'zod';
import {
  IncidentMetrics,
  insightsQuerySchema,
  InsightsPeriod,
} from './insights';
import { Severity } from './incidents';
import { isoDateTimeSchema, refSchema } from './limits';
import { ReleaseStatus } from './releases';

/**
 * Query of `GET /insights/change-failure`: `period` and `end` as the other
 * insights routes, `team` a Group (its Components' releases), `service` one
 * catalog entity.
 *
 * @public
 */
export const changeFailureQuerySchema = insightsQuerySchema
  .pick({ period: true, end: true, team: true, service: true })
  .strict();

/** @public */
export type ChangeFailureQuery = z.input<typeof changeFailureQuerySchema>;

/**
 * An incident that made a release count as failed.
 *
 * @public
 */
export interface ChangeFailureIncident {
  id: string;
  /** `INC-7` */
  reference: string;
  title: string;
  severity: Severity;
  declaredAt: string;
  /** The incident's entity: the released one or one that depends on it. */
  entityRef: string;
}

/**
 * A production release that failed: rolled back, or followed by an incident
 * on its entity or on something that depends on it within the window.
 *
 * @public
 */
export interface FailedRelease {
  id: string;
  /** `REL-12` */
  reference: string;
  title: string;
  entityRef: string;
  start: string;
  end: string;
  status: ReleaseStatus;
  rolledBack: boolean;
  /** The first incident that started in the window; none for a rollback alone. */
  incident?: ChangeFailureIncident;
}

/** @public */
export interface ServiceChangeFailure {
  entityRef: string;
  name: string;
  /** Production releases that started in the period (not cancelled or only planned). */
  releases: number;
  failed: number;
  /** failed / releases, 0..1; null without releases. */
  rate: number | null;
  failedReleases: FailedRelease[];
}

/** @public */
export interface ChangeFailureInsights {
  period: InsightsPeriod;
  /** The environment whose releases count (`production`). */
  environment: string;
  /** How long after a release's window an incident still counts, in hours. */
  windowHours: number;
  /** One row per service with production releases in the period; never a company-wide figure. */
  byService: ServiceChangeFailure[];
}

/**
 * Query of `GET /insights/report-card`: a Group and a week or a month.
 *
 * @public
 */
export const reportCardQuerySchema = z
  .object({
    team: refSchema(),
    period: z
      .enum(['7d', '30d'], { message: "must be '7d' or '30d'" })
      .default('7d'),
    end: isoDateTimeSchema('must be an ISO date-time').optional(),
  })
  .strict();

/** @public */
export type ReportCardQuery = z.input<typeof reportCardQuerySchema>;

/**
 * `good`: nothing to do; `attention`: worth a look; `bad`: act on it;
 * `none`: nothing to judge (no data).
 *
 * @public
 */
export type ReportCardVerdict = 'good' | 'attention' | 'bad' | 'none';

/**
 * One line of a team's report card: a plain-language verdict and why.
 *
 * @public
 */
export interface ReportCardLine {
  /** e.g. `mtta`, `postmortems`, `readiness`. */
  id: string;
  title: string;
  verdict: ReportCardVerdict;
  /** The verdict in words, e.g. "Slower than the company". */
  summary: string;
  /** Why, with the numbers and names, e.g. "3 post-mortems overdue: PM-4, PM-7, PM-9". */
  reason: string;
}

/** @public */
export interface ReportCard {
  team: { ref: string; name: string };
  period: InsightsPeriod;
  lines: ReportCardLine[];
  /** The figures behind the lines. */
  figures: {
    team: IncidentMetrics;
    /** Median over the Groups with incidents in the period of their mean MTTA / MTTR, in seconds. */
    companyMedian: { mtta: number | null; mttr: number | null };
    bySeverity: Array<{ severity: Severity; count: number }>;
    interruptions: {
      total: number;
      business: number;
      evening: number;
      sleep: number;
      weekend: number;
    };
    postmortems: {
      due: number;
      onTime: number;
      late: string[];
      overdue: string[];
    };
    actionItemsOverdue: Array<{
      postmortem: string;
      title: string;
      dueDate: string;
    }>;
    changeFailure: { releases: number; failed: number; rate: number | null };
    /**
     * Bursts (3 or more interruptions within 60 minutes) and bad nights (2
     * or more in sleep hours) of the people on the team's built-in
     * schedules, from the on-call load; absent when not computed.
     */
    onCallLoad?: {
      bursts: number;
      badNights: number;
      people: Array<{
        userRef: string;
        name: string;
        bursts: number;
        badNights: number;
      }>;
    };
    readiness: {
      components: number;
      withoutOnCall: string[];
      withoutSlackChannel: string[];
      onCallPeople: number;
      withoutPhone: string[];
    };
  };
}
