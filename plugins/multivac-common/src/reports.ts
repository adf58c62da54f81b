import { z } from 'zod';
import { Severity, SEVERITIES } from './incidents';
import { PageRecord } from './oncall';
import {
  httpUrlSchema,
  isoDateTimeSchema,
  limitSchema,
  offsetSchema,
  refSchema,
} from './limits';
import { humanReference } from './references';

/**
 * Triage reports: what someone who noticed a problem tells the on-call
 * person, and the severity rubric that rates it.
 */

/**
 * How many users a problem affects, as brackets a reporter can judge.
 *
 * @public
 */
export const USERS_AFFECTED = [
  'one',
  'few',
  'dozens',
  'hundreds',
  'thousands',
] as const;
/** @public */
export type UsersAffected = (typeof USERS_AFFECTED)[number];

/** @public */
export const USERS_AFFECTED_LABELS: Record<UsersAffected, string> = {
  one: 'One user',
  few: '2–10 users',
  dozens: '11–100 users',
  hundreds: '101–1,000 users',
  thousands: 'More than 1,000 users',
};

/**
 * Where the problem is seen.
 *
 * @public
 */
export const IMPACT_SCOPES = ['global', 'region', 'customer'] as const;
/** @public */
export type ImpactScope = (typeof IMPACT_SCOPES)[number];

/** @public */
export const IMPACT_SCOPE_LABELS: Record<ImpactScope, string> = {
  global: 'Everywhere',
  region: 'One region',
  customer: 'A single customer',
};

/**
 * Scope × users affected → severity (`multivac.severityRubric`).
 *
 * @public
 */
export type SeverityRubric = Record<
  ImpactScope,
  Record<UsersAffected, Severity>
>;

/**
 * The rubric used when `multivac.severityRubric` is not configured.
 *
 * @public
 */
export const DEFAULT_SEVERITY_RUBRIC: SeverityRubric = {
  global: {
    one: 'SEV3',
    few: 'SEV3',
    dozens: 'SEV2',
    hundreds: 'SEV1',
    thousands: 'SEV1',
  },
  region: {
    one: 'SEV4',
    few: 'SEV3',
    dozens: 'SEV2',
    hundreds: 'SEV2',
    thousands: 'SEV1',
  },
  customer: {
    one: 'SEV4',
    few: 'SEV3',
    dozens: 'SEV3',
    hundreds: 'SEV2',
    thousands: 'SEV2',
  },
};

/**
 * The rubric's severity for an impact, and why, in words.
 *
 * @public
 */
export function rateSeverity(
  rubric: SeverityRubric,
  impact: { usersAffected: UsersAffected; scope: ImpactScope },
): { severity: Severity; reason: string } {
  const severity = rubric[impact.scope][impact.usersAffected];
  const where = IMPACT_SCOPE_LABELS[impact.scope].toLowerCase();
  return {
    severity,
    reason: `${
      USERS_AFFECTED_LABELS[impact.usersAffected]
    }, ${where}: ${severity} by the severity rubric`,
  };
}

/**
 * True when `severity` is less severe than `than` (SEV3 is lower than SEV2).
 *
 * @public
 */
export function isLowerSeverity(severity: Severity, than: Severity): boolean {
  return SEVERITIES.indexOf(severity) > SEVERITIES.indexOf(than);
}

/**
 * `open`: waiting for the on-call person; `incident`: turned into one.
 *
 * @public
 */
export type ReportStatus = 'open' | 'acknowledged' | 'incident';

/** @public */
export interface TriageReport {
  id: string;
  number: number;
  /** `RPT-<number>`. */
  reference: string;
  /** What is broken, one line. */
  title: string;
  description: string;
  /** The affected catalog entity. */
  entityRef: string;
  usersAffected: UsersAffected;
  scope: ImpactScope;
  /** Which region, when `scope` is `region`. */
  region?: string;
  /** Which customer, when `scope` is `customer`. */
  customer?: string;
  customerFacing: boolean;
  /** When the reporter says it started (ISO time). */
  startedAt?: string;
  links: string[];
  severity: Severity;
  /** What the rubric said when the report was made. */
  rubricSeverity: Severity;
  /** Why the reporter chose a lower severity than the rubric. */
  severityReason?: string;
  status: ReportStatus;
  reportedBy: string;
  createdAt: string;
  updatedAt: string;
  /** Where paging stands, in words for the reporter. */
  paging: string;
  /** Pages sent for this report, oldest first (a fallback page included). */
  pages: PageRecord[];
  incidentId?: string;
  incidentReference?: string;
}

/** @public */
export interface TriageReportList {
  items: TriageReport[];
  totalCount: number;
}

const reportReference = humanReference('RPT');

/**
 * 7 → `RPT-7`
 *
 * @public
 */
export const formatReportReference = reportReference.format;
/**
 * `RPT-7` → 7; anything else → undefined.
 *
 * @public
 */
export const parseReportReference = reportReference.parse;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform(v => v || undefined);

/**
 * The triage form. The lower-than-rubric check needs the server's rubric, so
 * it is made by the server (and by the form, with the rubric it fetched).
 *
 * @public
 */
export const reportRequestSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, 'say what is broken')
      .max(200, 'keep it to one line (200 characters)'),
    description: z.string().trim().max(20000).default(''),
    entityRef: refSchema('pick the affected service or component'),
    usersAffected: z.enum(USERS_AFFECTED, {
      required_error: 'pick how many users are affected',
    }),
    scope: z.enum(IMPACT_SCOPES, {
      required_error: 'pick everywhere, one region or a single customer',
    }),
    region: optionalText(100),
    customer: optionalText(200),
    customerFacing: z.boolean({
      required_error: 'say whether customers see it',
    }),
    startedAt: isoDateTimeSchema().optional(),
    /** http(s) only: a `javascript:` link would run in readers' browsers. */
    links: z.array(httpUrlSchema).max(20).default([]),
    /** Omitted: the rubric's severity. */
    severity: z.enum(SEVERITIES).optional(),
    severityReason: optionalText(2000),
  })
  .strict()
  .superRefine((report, ctx) => {
    if (report.scope === 'region' && !report.region) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['region'],
        message: 'say which region',
      });
    }
    if (report.scope === 'customer' && !report.customer) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['customer'],
        message: 'say which customer',
      });
    }
  });
/** @public */
export type ReportRequest = z.input<typeof reportRequestSchema>;

/** @public */
export const listReportsQuerySchema = z
  .object({
    /** `open`: not yet an incident; `handled`: turned into one. */
    state: z.enum(['open', 'handled']).optional(),
    /** `true`: only the caller's own reports. */
    mine: z
      .enum(['true', 'false'], {
        errorMap: () => ({ message: "must be 'true' or 'false'" }),
      })
      .transform(mine => mine === 'true')
      .optional(),
    limit: limitSchema(100, 20),
    offset: offsetSchema,
  })
  .strict();
/** @public */
export type ListReportsQuery = z.input<typeof listReportsQuerySchema>;
