import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
import { MultivacApi } from './MultivacApi';

/** Query parameters, arrays repeated, unset and empty values left out. */
function queryString(query: object): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== '') {
        params.append(key, String(item));
      }
    }
  }
  return params;
}

/** Talks to `/api/multivac` with the signed-in user's token. */
export class MultivacClient implements MultivacApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  listIncidents(query: ListIncidentsQuery = {}): Promise<IncidentList> {
    return this.request(`/incidents?${queryString(query)}`);
  }

  getIncident(idOrReference: string): Promise<Incident> {
    return this.request(`/incidents/${encodeURIComponent(idOrReference)}`);
  }

  declareIncident(request: DeclareIncidentRequest): Promise<Incident> {
    return this.request('/incidents', { method: 'POST', body: request });
  }

  updateIncident(
    id: string,
    request: UpdateIncidentRequest,
  ): Promise<Incident> {
    return this.request(`/incidents/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: request,
    });
  }

  transitionIncident(
    id: string,
    to: IncidentStatus,
    note?: string,
  ): Promise<Incident> {
    return this.request(`/incidents/${encodeURIComponent(id)}/transitions`, {
      method: 'POST',
      body: note ? { to, note } : { to },
    });
  }

  changeRole(id: string, request: RoleChangeRequest): Promise<Incident> {
    return this.request(`/incidents/${encodeURIComponent(id)}/roles`, {
      method: 'POST',
      body: request,
    });
  }

  addNote(id: string, text: string): Promise<TimelineEvent> {
    return this.request(`/incidents/${encodeURIComponent(id)}/notes`, {
      method: 'POST',
      body: { text },
    });
  }

  async getTimeline(id: string): Promise<TimelineEvent[]> {
    const { items } = await this.request<{ items: TimelineEvent[] }>(
      `/incidents/${encodeURIComponent(id)}/timeline`,
    );
    return items;
  }

  getOnCall(entityRef: string): Promise<OnCallAnswer> {
    return this.request(`/oncall?entityRef=${encodeURIComponent(entityRef)}`);
  }

  async listSchedules(days = 7): Promise<ScheduleOverview[]> {
    const { items } = await this.request<{ items: ScheduleOverview[] }>(
      `/oncall/schedules?days=${days}`,
    );
    return items;
  }

  createPage(request: PageRequestBody): Promise<PageRecord> {
    return this.request('/pages', { method: 'POST', body: request });
  }

  async listPages(entityRef: string): Promise<PageRecord[]> {
    const { items } = await this.request<{ items: PageRecord[] }>(
      `/pages?entityRef=${encodeURIComponent(entityRef)}&limit=5`,
    );
    return items;
  }

  acknowledgePage(id: string): Promise<PageRecord> {
    return this.request(`/pages/${encodeURIComponent(id)}/acknowledge`, {
      method: 'POST',
    });
  }

  async getSeverityRubric(): Promise<SeverityRubric> {
    const { rubric } = await this.request<{ rubric: SeverityRubric }>(
      '/reports/rubric',
    );
    return rubric;
  }

  submitReport(request: ReportRequest): Promise<TriageReport> {
    return this.request('/reports', { method: 'POST', body: request });
  }

  listReports(query: ListReportsQuery = {}): Promise<TriageReportList> {
    return this.request(`/reports?${queryString(query)}`);
  }

  getReport(idOrReference: string): Promise<TriageReport> {
    return this.request(`/reports/${encodeURIComponent(idOrReference)}`);
  }

  startIncidentFromReport(idOrReference: string): Promise<Incident> {
    return this.request(
      `/reports/${encodeURIComponent(idOrReference)}/incident`,
      { method: 'POST', body: {} },
    );
  }

  private async request<T>(
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('multivac');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers:
        init.body === undefined
          ? undefined
          : { 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!response.ok) {
      const error = await ResponseError.fromResponse(response);
      // Show the backend's explanation ("INC-3 cannot move from ... allowed:
      // ...") rather than the generic "Request failed with 409".
      error.message = error.body?.error?.message || error.message;
      throw error;
    }
    return response.json();
  }
}
