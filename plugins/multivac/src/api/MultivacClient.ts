import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AlertGroupDetails,
  AlertIntegrationInfo,
  AlertIntegrationSecret,
  AlertRoutePreview,
  CheckReleaseRequest,
  CreateAlertIntegrationRequest,
  CreateActionItemRequest,
  CreateReleaseRequest,
  DeclareIncidentRequest,
  Incident,
  IncidentList,
  IncidentStatus,
  ListAlertsQuery,
  ListIncidentsQuery,
  ListPostmortemsQuery,
  ListActionItemsQuery,
  AssignedActionItemList,
  ListReleasesQuery,
  ListReportsQuery,
  OnCallAnswer,
  OnCallCardData,
  OnCallOverrideRecord,
  OverrideRequest,
  PageRecord,
  PageRequestBody,
  Postmortem,
  PostmortemActionItem,
  PostmortemList,
  PostmortemStatus,
  Release,
  ReleaseCheckResult,
  ReleaseConflict,
  ReleaseEnvironment,
  ReleaseList,
  ReleasesAroundQuery,
  ReleaseStatus,
  RelevantRelease,
  ScheduleOverview,
  ReportRequest,
  RoleChangeRequest,
  RotateAlertIntegrationSecretRequest,
  SeverityRubric,
  TimelineEvent,
  TriageReport,
  TriageReportList,
  UpdateActionItemRequest,
  UpdateIncidentRequest,
  UpdatePostmortemRequest,
  UpdateReleaseRequest,
  IncidentInsights,
  InsightsQuery,
  InterruptionInsights,
  Digest,
  DigestQuery,
  OnCallLoad,
  OnCallLoadQuery,
  ChangeFailureInsights,
  ChangeFailureQuery,
  ReportCard,
  ReportCardQuery,
} from '@multivac/plugin-multivac-common';
import {
  AlertDeadLetter,
  AlertList,
  AlertRoutingSample,
  CheckedRelease,
  MultivacApi,
  PagerDutyImportRequest,
  PagerDutyImportResult,
  PagerDutyPlan,
  PagerDutyReconcileState,
  PostmortemMarkdown,
  ReleaseBlockedError,
  ReleaseFeedToken,
} from './MultivacApi';

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

/**
 * Talks to `/api/multivac` with the signed-in user's token.
 *
 * @public
 */
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

  getOnCallCard(entityRef: string): Promise<OnCallCardData> {
    return this.request(
      `/oncall/card?entityRef=${encodeURIComponent(entityRef)}`,
    );
  }

  async listSchedules(days = 7): Promise<ScheduleOverview[]> {
    const { items } = await this.request<{ items: ScheduleOverview[] }>(
      `/oncall/schedules?days=${days}`,
    );
    return items;
  }

  async listOverrides(scheduleId: string): Promise<OnCallOverrideRecord[]> {
    const { items } = await this.request<{ items: OnCallOverrideRecord[] }>(
      this.overridesPath(scheduleId),
    );
    return items;
  }

  createOverride(
    scheduleId: string,
    request: OverrideRequest,
  ): Promise<OnCallOverrideRecord> {
    return this.request(this.overridesPath(scheduleId), {
      method: 'POST',
      body: request,
    });
  }

  async cancelOverride(scheduleId: string, overrideId: string): Promise<void> {
    await this.send(
      `${this.overridesPath(scheduleId)}/${encodeURIComponent(overrideId)}`,
      { method: 'DELETE' },
    );
  }

  private overridesPath(scheduleId: string): string {
    return `/oncall/schedules/${encodeURIComponent(scheduleId)}/overrides`;
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

  createPostmortem(incidentIdOrReference: string): Promise<Postmortem> {
    return this.request(
      `/incidents/${encodeURIComponent(incidentIdOrReference)}/postmortem`,
      { method: 'POST', body: {} },
    );
  }

  async findIncidentPostmortem(
    incidentIdOrReference: string,
  ): Promise<Postmortem | undefined> {
    // 204: the incident has no post-mortem yet.
    const response = await this.send(
      `/incidents/${encodeURIComponent(incidentIdOrReference)}/postmortem`,
    );
    return response.status === 204 ? undefined : response.json();
  }

  listActionItems(
    query: ListActionItemsQuery,
  ): Promise<AssignedActionItemList> {
    return this.request(`/action-items?${queryString(query)}`);
  }

  listPostmortems(query: ListPostmortemsQuery = {}): Promise<PostmortemList> {
    return this.request(`/postmortems?${queryString(query)}`);
  }

  getPostmortem(idOrReference: string): Promise<Postmortem> {
    return this.request(`/postmortems/${encodeURIComponent(idOrReference)}`);
  }

  updatePostmortem(
    id: string,
    request: UpdatePostmortemRequest,
  ): Promise<Postmortem> {
    return this.request(`/postmortems/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: request,
    });
  }

  setPostmortemStatus(
    id: string,
    status: PostmortemStatus,
  ): Promise<Postmortem> {
    return this.request(`/postmortems/${encodeURIComponent(id)}/status`, {
      method: 'POST',
      body: { status },
    });
  }

  approvePostmortem(id: string): Promise<Postmortem> {
    return this.request(`/postmortems/${encodeURIComponent(id)}/approve`, {
      method: 'POST',
    });
  }

  reopenPostmortem(id: string, reason: string): Promise<Postmortem> {
    return this.request(`/postmortems/${encodeURIComponent(id)}/reopen`, {
      method: 'POST',
      body: { reason },
    });
  }

  addActionItem(
    postmortemId: string,
    request: CreateActionItemRequest,
  ): Promise<PostmortemActionItem> {
    return this.request(
      `/postmortems/${encodeURIComponent(postmortemId)}/action-items`,
      { method: 'POST', body: request },
    );
  }

  updateActionItem(
    postmortemId: string,
    itemId: string,
    request: UpdateActionItemRequest,
  ): Promise<PostmortemActionItem> {
    return this.request(this.actionItemPath(postmortemId, itemId), {
      method: 'PATCH',
      body: request,
    });
  }

  async deleteActionItem(postmortemId: string, itemId: string): Promise<void> {
    await this.send(this.actionItemPath(postmortemId, itemId), {
      method: 'DELETE',
    });
  }

  async exportPostmortemMarkdown(id: string): Promise<PostmortemMarkdown> {
    const response = await this.send(
      `/postmortems/${encodeURIComponent(id)}/markdown`,
    );
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1];
    return { filename: filename ?? `${id}.md`, text: await response.text() };
  }

  listReleases(query: ListReleasesQuery = {}): Promise<ReleaseList> {
    return this.request(`/releases?${queryString(query)}`);
  }

  getRelease(idOrReference: string): Promise<Release> {
    return this.request(`/releases/${encodeURIComponent(idOrReference)}`);
  }

  createRelease(request: CreateReleaseRequest): Promise<CheckedRelease> {
    return this.booking(
      this.request('/releases', { method: 'POST', body: request }),
    );
  }

  updateRelease(
    idOrReference: string,
    request: UpdateReleaseRequest,
  ): Promise<CheckedRelease> {
    return this.booking(
      this.request(`/releases/${encodeURIComponent(idOrReference)}`, {
        method: 'PATCH',
        body: request,
      }),
    );
  }

  setReleaseStatus(
    idOrReference: string,
    to: ReleaseStatus,
    note?: string,
  ): Promise<Release> {
    return this.request(
      `/releases/${encodeURIComponent(idOrReference)}/status`,
      { method: 'POST', body: note ? { to, note } : { to } },
    );
  }

  checkRelease(request: CheckReleaseRequest): Promise<ReleaseCheckResult> {
    return this.request('/releases/check', { method: 'POST', body: request });
  }

  async listReleaseEnvironments(): Promise<ReleaseEnvironment[]> {
    const { items } = await this.request<{ items: ReleaseEnvironment[] }>(
      '/releases/environments',
    );
    return items;
  }

  async listReleasesAround(
    query: ReleasesAroundQuery,
  ): Promise<RelevantRelease[]> {
    const { items } = await this.request<{ items: RelevantRelease[] }>(
      `/releases/around?${queryString(query)}`,
    );
    return items;
  }

  createReleaseFeedToken(): Promise<ReleaseFeedToken> {
    return this.request('/releases/feed-token', { method: 'POST', body: {} });
  }

  getIncidentInsights(query: InsightsQuery = {}): Promise<IncidentInsights> {
    return this.request(`/insights/incidents?${queryString(query)}`);
  }

  getInterruptionInsights(
    query: InsightsQuery = {},
  ): Promise<InterruptionInsights> {
    return this.request(`/insights/interruptions?${queryString(query)}`);
  }

  getDigest(query: DigestQuery = {}): Promise<Digest> {
    return this.request(`/insights/digest?${queryString(query)}`);
  }

  getOnCallLoad(query: OnCallLoadQuery = {}): Promise<OnCallLoad> {
    return this.request(`/insights/oncall-load?${queryString(query)}`);
  }

  getChangeFailure(
    query: ChangeFailureQuery = {},
  ): Promise<ChangeFailureInsights> {
    return this.request(`/insights/change-failure?${queryString(query)}`);
  }

  getReportCard(query: ReportCardQuery): Promise<ReportCard> {
    return this.request(`/insights/report-card?${queryString(query)}`);
  }

  getPagerDutyPlan(scheduleRef: string): Promise<PagerDutyPlan> {
    return this.request(`${this.pagerDutySchedulePath(scheduleRef)}/plan`);
  }

  getPagerDutyState(scheduleRef: string): Promise<PagerDutyReconcileState> {
    return this.request(`${this.pagerDutySchedulePath(scheduleRef)}/state`);
  }

  reconcilePagerDuty(scheduleRef: string): Promise<PagerDutyReconcileState> {
    return this.request(
      `${this.pagerDutySchedulePath(scheduleRef)}/reconcile`,
      { method: 'POST' },
    );
  }

  importPagerDutySchedule(
    request: PagerDutyImportRequest,
  ): Promise<PagerDutyImportResult> {
    return this.request('/pagerduty/import', { method: 'POST', body: request });
  }

  /** `schedule:team-a/primary` → `/pagerduty/schedules/team-a/primary`. */
  private pagerDutySchedulePath(scheduleRef: string): string {
    const { namespace, name } = parseEntityRef(scheduleRef, {
      defaultKind: 'schedule',
      defaultNamespace: 'default',
    });
    return `/pagerduty/schedules/${encodeURIComponent(
      namespace,
    )}/${encodeURIComponent(name)}`;
  }

  listAlerts(query: Partial<ListAlertsQuery> = {}): Promise<AlertList> {
    return this.request(`/alerts?${queryString(query)}`);
  }

  getAlertGroup(id: string): Promise<AlertGroupDetails> {
    return this.request(`/alerts/groups/${encodeURIComponent(id)}`);
  }

  startIncidentFromAlertGroup(groupId: string): Promise<Incident> {
    return this.request(
      `/alerts/groups/${encodeURIComponent(groupId)}/incident`,
      { method: 'POST', body: {} },
    );
  }

  acknowledgeAlertGroup(groupId: string): Promise<PageRecord> {
    return this.request(
      `/alerts/groups/${encodeURIComponent(groupId)}/acknowledge`,
      { method: 'POST', body: {} },
    );
  }

  async listAlertIntegrations(): Promise<AlertIntegrationInfo[]> {
    const { items } = await this.request<{ items: AlertIntegrationInfo[] }>(
      '/alerts/integrations',
    );
    return items;
  }

  async previewAlertRouting(
    integrationId: string,
    sample: AlertRoutingSample,
  ): Promise<AlertRoutePreview[]> {
    const { items } = await this.request<{ items: AlertRoutePreview[] }>(
      `/alerts/integrations/${encodeURIComponent(integrationId)}/preview`,
      { method: 'POST', body: sample },
    );
    return items;
  }

  async listAlertDeadLetters(): Promise<AlertDeadLetter[]> {
    const { items } = await this.request<{ items: AlertDeadLetter[] }>(
      '/alerts/dead-letters',
    );
    return items;
  }

  createAlertIntegration(
    request: CreateAlertIntegrationRequest,
  ): Promise<AlertIntegrationSecret> {
    return this.request('/alerts/integrations', {
      method: 'POST',
      body: request,
    });
  }

  rotateAlertIntegrationSecret(
    id: string,
    request: RotateAlertIntegrationSecretRequest = {},
  ): Promise<AlertIntegrationSecret> {
    return this.request(
      `/alerts/integrations/${encodeURIComponent(id)}/rotate-secret`,
      { method: 'POST', body: request },
    );
  }

  async deleteAlertIntegration(id: string): Promise<void> {
    await this.send(`/alerts/integrations/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  /** A 409 with conflicts becomes a ReleaseBlockedError that keeps them. */
  private async booking(answer: Promise<CheckedRelease>) {
    try {
      return await answer;
    } catch (error) {
      const { statusCode, body } = error as ResponseError;
      const conflicts = (body as { conflicts?: ReleaseConflict[] } | undefined)
        ?.conflicts;
      if (statusCode === 409 && conflicts) {
        throw new ReleaseBlockedError((error as Error).message, conflicts);
      }
      throw error;
    }
  }

  private actionItemPath(postmortemId: string, itemId: string): string {
    return `/postmortems/${encodeURIComponent(
      postmortemId,
    )}/action-items/${encodeURIComponent(itemId)}`;
  }

  private async request<T>(
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<T> {
    const response = await this.send(path, init);
    return response.json();
  }

  /** Sends the request; throws the backend's error when it refuses. */
  private async send(
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<Response> {
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
    return response;
  }
}
