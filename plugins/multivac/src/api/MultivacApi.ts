import { createApiRef } from '@backstage/core-plugin-api';
import {
  DeclareIncidentRequest,
  Incident,
  IncidentList,
  IncidentStatus,
  ListIncidentsQuery,
  ListReportsQuery,
  OnCallAnswer,
  PageRecord,
  PageRequestBody,
  ScheduleOverview,
  ReportRequest,
  RoleChangeRequest,
  SeverityRubric,
  TimelineEvent,
  TriageReport,
  TriageReportList,
  UpdateIncidentRequest,
} from '@multivac/plugin-multivac-common';

/** The Multivac backend, as the frontend sees it. */
export interface MultivacApi {
  listIncidents(query?: ListIncidentsQuery): Promise<IncidentList>;
  /** By id or reference (`INC-7`); includes the incident's side-effect jobs. */
  getIncident(idOrReference: string): Promise<Incident>;
  declareIncident(request: DeclareIncidentRequest): Promise<Incident>;
  updateIncident(id: string, request: UpdateIncidentRequest): Promise<Incident>;
  transitionIncident(
    id: string,
    to: IncidentStatus,
    note?: string,
  ): Promise<Incident>;
  changeRole(id: string, request: RoleChangeRequest): Promise<Incident>;
  addNote(id: string, text: string): Promise<TimelineEvent>;
  getTimeline(id: string): Promise<TimelineEvent[]>;
  /** Who is on call for an entity (its own, its owner's or its System's schedule). */
  getOnCall(entityRef: string): Promise<OnCallAnswer>;
  /** Built-in schedules with who is on call now and the next `days` of shifts. */
  listSchedules(days?: number): Promise<ScheduleOverview[]>;
  /** Pages whoever is on call for the entity. */
  createPage(request: PageRequestBody): Promise<PageRecord>;
  /** Recent pages about an entity, newest first. */
  listPages(entityRef: string): Promise<PageRecord[]>;
  acknowledgePage(id: string): Promise<PageRecord>;
  /** The rubric the server rates triage reports with. */
  getSeverityRubric(): Promise<SeverityRubric>;
  /** Stores the report and pages whoever is on call for its entity. */
  submitReport(request: ReportRequest): Promise<TriageReport>;
  /** Newest first; `open`: not yet an incident, `handled`: turned into one. */
  listReports(query?: ListReportsQuery): Promise<TriageReportList>;
  /** By id or reference (`RPT-3`), with its pages and where paging stands. */
  getReport(idOrReference: string): Promise<TriageReport>;
  /** Turns the report into an incident; refused when it already is one. */
  startIncidentFromReport(idOrReference: string): Promise<Incident>;
}

export const multivacApiRef = createApiRef<MultivacApi>({
  id: 'plugin.multivac.service',
});
