import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  formatIncidentReference,
  formatReportReference,
  ImpactScope,
  parseReportReference,
  PageRecord,
  ReportStatus,
  Severity,
  TriageReport,
  UsersAffected,
} from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { nextNumber, nowIso, optionalIsoString, toIsoString } from './util';
import { PageStore } from './PageStore';
import { NewReport, ReportFilter, ReportStore } from './ReportStore';
import { knexOf, Transaction, transactionOf } from './Transaction';

type ReportRow = {
  id: string;
  number: number;
  title: string;
  description: string;
  entity_ref: string;
  users_affected: UsersAffected;
  scope: ImpactScope;
  region: string | null;
  customer: string | null;
  customer_facing: boolean | number;
  started_at: Date | string | null;
  links: string;
  severity: Severity;
  rubric_severity: Severity;
  severity_reason: string | null;
  paging: string;
  reported_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  incident_id: string | null;
  incident_number: number | null;
};

/** Triage reports on the plugin's database. */
export class DatabaseReportStore implements ReportStore {
  constructor(private readonly db: Knex, private readonly pages: PageStore) {}

  /** Stores a report, calling `andThen` inside the same transaction. */
  async create(
    report: NewReport,
    andThen: (tx: Transaction, reportId: string) => Promise<void>,
  ): Promise<TriageReport> {
    const id = randomUUID();
    const now = nowIso();
    await this.db.transaction(async tx => {
      await tx('multivac_reports').insert({
        id,
        number: await nextNumber(tx, 'report_number'),
        title: report.title,
        description: report.description,
        entity_ref: report.entityRef,
        users_affected: report.usersAffected,
        scope: report.scope,
        region: report.region ?? null,
        customer: report.customer ?? null,
        customer_facing: report.customerFacing,
        started_at: report.startedAt ?? null,
        links: JSON.stringify(report.links),
        severity: report.severity,
        rubric_severity: report.rubricSeverity,
        severity_reason: report.severityReason ?? null,
        paging: report.paging,
        reported_by: report.reportedBy,
        created_at: now,
        updated_at: now,
      });
      await andThen(transactionOf(tx), id);
    });
    return this.mustGet(id);
  }

  /** By id or by reference (`RPT-3`). */
  async get(idOrReference: string): Promise<TriageReport | undefined> {
    const number = parseReportReference(idOrReference);
    const row = await this.select(this.db)
      .where(
        number !== undefined
          ? { 'multivac_reports.number': number }
          : { 'multivac_reports.id': idOrReference },
      )
      .first();
    if (!row) {
      return undefined;
    }
    const [report] = await this.hydrate([row]);
    return report;
  }

  async mustGet(idOrReference: string): Promise<TriageReport> {
    const report = await this.get(idOrReference);
    if (!report) {
      throw new NotFoundError(`No triage report ${idOrReference}`);
    }
    return report;
  }

  /** Newest first; `open` = not (yet) an incident, `handled` = became one. */
  async list(
    filter: ReportFilter,
  ): Promise<{ items: TriageReport[]; totalCount: number }> {
    const filtered = (query: Knex.QueryBuilder) => {
      if (filter.state === 'open') {
        query.whereNull('multivac_reports.incident_id');
      } else if (filter.state === 'handled') {
        query.whereNotNull('multivac_reports.incident_id');
      }
      if (filter.reportedBy !== undefined) {
        query.where('multivac_reports.reported_by', filter.reportedBy);
      }
      return query;
    };
    const [{ count }] = await filtered(this.db('multivac_reports')).count({
      count: '*',
    });
    const rows: ReportRow[] = await filtered(this.select(this.db))
      .orderBy('multivac_reports.created_at', 'desc')
      .orderBy('multivac_reports.number', 'desc')
      .limit(filter.limit)
      .offset(filter.offset);
    return { items: await this.hydrate(rows), totalCount: Number(count) };
  }

  /** Records where paging stands, in words for the reporter. */
  async setPaging(id: string, paging: string): Promise<void> {
    await this.db('multivac_reports')
      .where({ id })
      .update({ paging, updated_at: nowIso() });
  }

  /**
   * Links the report to the incident it became, inside the declaring
   * transaction; 409 when it already became one (e.g. a double click).
   */
  async markIncident(
    transaction: Transaction,
    id: string,
    incidentId: string,
  ): Promise<void> {
    const tx = knexOf(transaction);
    // The IS NULL guard makes the first of two concurrent starts win.
    const updated = await tx('multivac_reports')
      .where({ id })
      .whereNull('incident_id')
      .update({ incident_id: incidentId, updated_at: nowIso() });
    if (updated === 0) {
      // Read inside the transaction: SQLite has a single connection.
      const row: ReportRow | undefined = await this.select(tx)
        .where({ 'multivac_reports.id': id })
        .first();
      if (!row) {
        throw new NotFoundError(`No triage report ${id}`);
      }
      throw new ConflictError(
        `${formatReportReference(
          row.number,
        )} is already ${formatIncidentReference(row.incident_number!)}`,
      );
    }
    await this.pages.linkIncident(transaction, id, incidentId);
  }

  private select(db: Knex) {
    return db<ReportRow>('multivac_reports')
      .leftJoin(
        'multivac_incidents',
        'multivac_incidents.id',
        'multivac_reports.incident_id',
      )
      .select('multivac_reports.*', {
        incident_number: 'multivac_incidents.number',
      });
  }

  private async hydrate(rows: ReportRow[]): Promise<TriageReport[]> {
    const pages = await this.pages.listForReports(rows.map(r => r.id));
    return rows.map(row =>
      toReport(
        row,
        pages.filter(p => p.reportId === row.id),
      ),
    );
  }
}

function statusOf(row: ReportRow, pages: PageRecord[]): ReportStatus {
  if (row.incident_id) {
    return 'incident';
  }
  return pages.some(p => p.status !== 'triggered') ? 'acknowledged' : 'open';
}

function toReport(row: ReportRow, pages: PageRecord[]): TriageReport {
  return {
    id: row.id,
    number: row.number,
    reference: formatReportReference(row.number),
    title: row.title,
    description: row.description,
    entityRef: row.entity_ref,
    usersAffected: row.users_affected,
    scope: row.scope,
    region: row.region ?? undefined,
    customer: row.customer ?? undefined,
    customerFacing: Boolean(row.customer_facing),
    startedAt: optionalIsoString(row.started_at),
    links: JSON.parse(row.links),
    severity: row.severity,
    rubricSeverity: row.rubric_severity,
    severityReason: row.severity_reason ?? undefined,
    status: statusOf(row, pages),
    reportedBy: row.reported_by,
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
    paging: row.paging,
    pages,
    incidentId: row.incident_id ?? undefined,
    incidentReference:
      row.incident_number === null
        ? undefined
        : formatIncidentReference(row.incident_number),
  };
}
