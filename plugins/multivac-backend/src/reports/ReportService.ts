import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, stringifyError } from '@backstage/errors';
import {
  formatDateTime,
  Incident,
  IncidentRole,
  IMPACT_SCOPE_LABELS,
  isLowerSeverity,
  PageRecord,
  rateSeverity,
  reportRequestSchema,
  SeverityRubric,
  shortRef,
  TriageReport,
  USERS_AFFECTED_LABELS,
} from '@multivac/plugin-multivac-common';
import { z } from 'zod';
import { ReportFilter, ReportStore } from '../database/ReportStore';
import { Transaction } from '../database/Transaction';
import { IncidentActor, IncidentService } from '../incidents/IncidentService';
import { JobQueue } from '../jobs/JobQueue';
import { PageInput, PagingService } from '../oncall/PagingService';
import { PeopleDirectory } from '../oncall/PeopleDirectory';
import { personName } from '../paging/readable';
import { ReportDeliveries } from '../deliveries/kinds';

const PAGE_REPORT = 'report.page';
/** The safety net runs this long after a report, in case paging never ran. */
const SAFETY_NET_DELAY_MS = 30_000;

export type ReportInput = z.output<typeof reportRequestSchema>;

/**
 * Triage reports: stored first, then whoever is on call for the entity is
 * paged with everything the reporter said. When that fails (nobody resolves,
 * the provider is down) the fallback schedule is paged and a durable job
 * keeps trying the entity's own on-call.
 */
export class ReportService {
  constructor(
    private readonly options: {
      reports: ReportStore;
      paging: PagingService;
      incidents: IncidentService;
      jobs: JobQueue;
      deliveries: ReportDeliveries;
      auth: AuthService;
      logger: LoggerService;
      rubric: SeverityRubric;
      /** A built-in schedule id (`multivac.onCall.fallbackSchedule`). */
      fallbackScheduleId?: string;
      /** The report's page in the portal. */
      reportUrl: (reference: string) => string;
      /**
       * Names the reporter by display name in the incident's description;
       * without it, by short name.
       */
      people?: Pick<PeopleDirectory, 'lookup'>;
    },
  ) {
    options.jobs.registerHandler(PAGE_REPORT, job =>
      this.pageOnCall(String(job.payload.reportId)),
    );
  }

  get rubric(): SeverityRubric {
    return this.options.rubric;
  }

  /**
   * Stores the report and pages; paging failures are told in `paging`.
   * `andThen` runs in the report's transaction (e.g. to claim the support
   * ticket it comes from, so that a ticket makes one report).
   */
  async submit(
    input: ReportInput,
    reporter: string,
    options: {
      andThen?: (tx: Transaction, reportId: string) => Promise<void>;
    } = {},
  ): Promise<TriageReport> {
    const { reports, jobs, logger } = this.options;
    const rated = rateSeverity(this.options.rubric, input);
    const severity = input.severity ?? rated.severity;
    const lowered = isLowerSeverity(severity, rated.severity);
    if (lowered && !input.severityReason) {
      throw new InputError(
        `severity: ${severity} is lower than the rubric's ${rated.severity} ` +
          `(${rated.reason}); give a reason to lower it (severityReason)`,
      );
    }
    const report = await reports.create(
      {
        ...input,
        severity,
        rubricSeverity: rated.severity,
        severityReason: lowered ? input.severityReason : undefined,
        paging: 'Finding who is on call',
        reportedBy: reporter,
      },
      async (tx, reportId) => {
        await jobs.enqueue(
          {
            type: PAGE_REPORT,
            idempotencyKey: `${PAGE_REPORT}:${reportId}`,
            payload: { reportId },
            runAfter: new Date(Date.now() + SAFETY_NET_DELAY_MS),
            lane: 'paging',
          },
          tx,
        );
        await this.options.deliveries.changed(
          { id: reportId },
          'submitted',
          '',
          tx,
        );
        await options.andThen?.(tx, reportId);
      },
    );
    try {
      await this.pageOnCall(report.id);
    } catch (error) {
      // Already told in the report's `paging`; the job above retries.
      logger.warn(
        `Paging for ${report.reference} failed, will retry: ${stringifyError(
          error,
        )}`,
      );
    }
    return reports.mustGet(report.id);
  }

  get(idOrReference: string): Promise<TriageReport> {
    return this.options.reports.mustGet(idOrReference);
  }

  list(filter: ReportFilter) {
    return this.options.reports.list(filter);
  }

  /**
   * Declares an incident from the report: the reporter becomes its reporter,
   * the on-call person paged its responder, and whoever starts it (a user)
   * its controller. 409 when the report already became an incident.
   */
  async startIncident(
    idOrReference: string,
    actor: IncidentActor,
  ): Promise<Incident> {
    const { reports, incidents } = this.options;
    const report = await reports.mustGet(idOrReference);
    if (report.incidentReference) {
      throw new ConflictError(
        `${report.reference} is already ${report.incidentReference}`,
      );
    }
    const roles: Array<{ role: IncidentRole; userRef: string }> = [];
    if (isUserRef(report.reportedBy)) {
      roles.push({ role: 'reporter', userRef: report.reportedBy });
    }
    const onCaller = onCallerOf(report.pages);
    if (onCaller) {
      roles.push({ role: 'responder', userRef: onCaller });
    }
    return incidents.declare(
      {
        title: report.title,
        description: describeReport(
          report,
          await personName(this.options.people, report.reportedBy),
        ),
        severity: report.severity,
        entityRefs: [report.entityRef],
        impact: describeImpact(report),
      },
      actor,
      {
        roles,
        fromReport: report.reference,
        andThen: async (tx, incidentId) => {
          await reports.markIncident(tx, report.id, incidentId);
          await this.options.deliveries.changed(
            { id: report.id },
            'incident',
            incidentId,
            tx,
          );
        },
      },
    );
  }

  /**
   * Pages the entity's on-call unless that already happened; on failure pages
   * the fallback schedule (once), says so in the report, and throws so that
   * the job queue retries.
   */
  private async pageOnCall(reportId: string): Promise<void> {
    const { reports, paging, auth, fallbackScheduleId, deliveries } =
      this.options;
    const report = await reports.mustGet(reportId);
    if (report.incidentId || report.pages.some(p => !p.fallback)) {
      return;
    }
    const request = this.pageInput(report);
    try {
      const page = await paging.page(
        request,
        await auth.getOwnServiceCredentials(),
        report.reportedBy,
      );
      await reports.setPaging(report.id, describePage(page));
      await deliveries.changed({ id: report.id }, 'paged', page.id);
    } catch (error) {
      let fallback = report.pages.find(p => p.fallback);
      if (!fallback && fallbackScheduleId) {
        fallback = await paging.pageSchedule(
          fallbackScheduleId,
          request,
          report.reportedBy,
          { fallback: true },
        );
      }
      await reports.setPaging(
        report.id,
        `Could not page the on-call person for ${shortRef(report.entityRef)}: ${
          (error as Error).message
        }. ${
          fallback
            ? `${describePage(fallback)}, from the fallback schedule, instead.`
            : 'No fallback schedule is configured (multivac.onCall.fallbackSchedule).'
        } Your report is saved and Multivac keeps trying.`,
      );
      await deliveries.changed(
        { id: report.id },
        'paged',
        fallback?.id ?? 'nobody',
      );
      throw error;
    }
  }

  private pageInput(report: TriageReport): PageInput {
    return {
      entityRef: report.entityRef,
      summary: `${report.severity} ${shortRef(report.entityRef)}: ${
        report.title
      }`,
      urgency: ['SEV1', 'SEV2'].includes(report.severity) ? 'high' : 'low',
      reportId: report.id,
      details: {
        report: report.reference,
        link: this.options.reportUrl(report.reference),
        reportedBy: report.reportedBy,
        description: report.description,
        usersAffected: USERS_AFFECTED_LABELS[report.usersAffected],
        where: describeWhere(report),
        customerFacing: report.customerFacing,
        startedAt: report.startedAt,
        links: report.links,
        severity: report.severity,
        rubricSeverity: report.rubricSeverity,
        severityReason: report.severityReason,
      },
    };
  }
}

function isUserRef(ref: string | undefined): ref is string {
  return Boolean(ref?.startsWith('user:'));
}

/** Whoever acknowledged a page, else the first catalog user paged. */
function onCallerOf(pages: PageRecord[]): string | undefined {
  const acknowledged = pages.find(p => isUserRef(p.acknowledgedBy));
  if (acknowledged) {
    return acknowledged.acknowledgedBy;
  }
  return pages
    .flatMap(p => p.targets)
    .map(t => t.userRef)
    .find(isUserRef);
}

function describePage(page: PageRecord): string {
  const who = page.targets.map(t => t.name).join(', ');
  return who
    ? `Paged ${who} (${page.scheduleName}, level ${page.level})`
    : `Paged ${page.scheduleName} through ${page.provider}`;
}

function describeWhere(report: TriageReport): string {
  const detail = report.region ?? report.customer;
  return `${IMPACT_SCOPE_LABELS[report.scope]}${detail ? ` (${detail})` : ''}`;
}

function describeImpact(report: TriageReport): string {
  return [
    USERS_AFFECTED_LABELS[report.usersAffected],
    describeWhere(report),
    report.customerFacing ? 'customer-facing' : 'internal',
    // The reporter's zone is not known: UTC, named.
    report.startedAt &&
      `since ${formatDateTime(report.startedAt, {
        zone: 'UTC',
        locale: 'en-US',
      })}`,
  ]
    .filter(Boolean)
    .join(', ');
}

function describeReport(report: TriageReport, reporter: string): string {
  return [
    report.description,
    report.links.length > 0 &&
      `Links:\n${report.links.map(l => `- ${l}`).join('\n')}`,
    report.severityReason &&
      `Severity lowered from ${report.rubricSeverity}: ${report.severityReason}`,
    `From triage report ${report.reference} by ${reporter}.`,
  ]
    .filter(Boolean)
    .join('\n\n');
}
