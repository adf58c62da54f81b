import { createApiRef } from '@backstage/core-plugin-api';
import {
  DeclareIncidentRequest,
  Incident,
  IncidentList,
  IncidentStatus,
  ListIncidentsQuery,
  OnCallAnswer,
  PageRecord,
  PageRequestBody,
  ScheduleOverview,
  RoleChangeRequest,
  TimelineEvent,
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
}

export const multivacApiRef = createApiRef<MultivacApi>({
  id: 'plugin.multivac.service',
});
