import { createApiRef } from '@backstage/core-plugin-api';
import {
  DeclareIncidentRequest,
  Incident,
  IncidentList,
  IncidentStatus,
  ListIncidentsQuery,
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
}

export const multivacApiRef = createApiRef<MultivacApi>({
  id: 'plugin.multivac.service',
});
