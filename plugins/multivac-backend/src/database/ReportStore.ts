import { TriageReport } from '@multivac/plugin-multivac-common';
import { Transaction } from './Transaction';

export type NewReport = Pick<
  TriageReport,
  | 'title'
  | 'description'
  | 'entityRef'
  | 'usersAffected'
  | 'scope'
  | 'region'
  | 'customer'
  | 'customerFacing'
  | 'startedAt'
  | 'links'
  | 'severity'
  | 'rubricSeverity'
  | 'severityReason'
  | 'paging'
  | 'reportedBy'
>;

export interface ReportFilter {
  /** `open`: not (yet) an incident; `handled`: became one. */
  state?: 'open' | 'handled';
  /** Only those reported by this ref (`user:default/ada`). */
  reportedBy?: string;
  limit: number;
  offset: number;
}

/** Triage reports, read together with their pages and incident. */
export interface ReportStore {
  /** Stores a report, calling `andThen` inside the same transaction. */
  create(
    report: NewReport,
    andThen: (tx: Transaction, reportId: string) => Promise<void>,
  ): Promise<TriageReport>;
  /** By id or reference (`RPT-3`). */
  get(idOrReference: string): Promise<TriageReport | undefined>;
  /** By id or reference; 404 when there is none. */
  mustGet(idOrReference: string): Promise<TriageReport>;
  list(
    filter: ReportFilter,
  ): Promise<{ items: TriageReport[]; totalCount: number }>;
  /** What paging did, shown on the report. */
  setPaging(id: string, paging: string): Promise<void>;
  /**
   * Links the report to the incident it became, inside the declaring
   * transaction; 409 when it already became one (e.g. a double click).
   */
  markIncident(tx: Transaction, id: string, incidentId: string): Promise<void>;
}
