import { Entity } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  Alert,
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

/**
 * A post-mortem exported as a Markdown document.
 *
 * @public
 */
export interface PostmortemMarkdown {
  /** e.g. `PM-7.md` */
  filename: string;
  text: string;
}

/**
 * A booked or moved release, with the conflicts it has (warnings, or forced past).
 *
 * @public
 */
export type CheckedRelease = Release & { conflicts: ReleaseConflict[] };

/**
 * A calendar feed URL for calendar apps; making one revokes the previous.
 *
 * @public
 */
export interface ReleaseFeedToken {
  token: string;
  url: string;
}

/**
 * A page of alerts, newest change first.
 *
 * @public
 */
export interface AlertList {
  items: Alert[];
  totalCount: number;
}

/**
 * A delivery no adapter could read, kept for 7 days so a vendor's format
 * change loses nothing.
 *
 * @public
 */
export interface AlertDeadLetter {
  id: string;
  integrationId: string;
  /** Why it could not be read, e.g. what was missing. */
  error: string;
  contentType?: string;
  /** The raw body as received. */
  body: string;
  receivedAt: string;
}

/**
 * What the routing preview reads: a payload as the vendor sends it, or the
 * integration's last N deliveries.
 *
 * @public
 */
export type AlertRoutingSample = { payload: object } | { last: number };

/**
 * The backend's 409 for a blocked release: its conflicts, each a sentence.
 *
 * @public
 */
export class ReleaseBlockedError extends Error {
  readonly name = 'ReleaseBlockedError';
  constructor(message: string, readonly conflicts: ReleaseConflict[]) {
    super(message);
  }
}

/**
 * What a reconcile would change in PagerDuty: the schedule, its escalation
 * policy, or a service's link to the policy.
 *
 * @public
 */
export type PagerDutyResource = 'schedule' | 'escalationPolicy' | 'serviceLink';

/**
 * One field a reconcile would change: `from` is PagerDuty's value (absent
 * when the resource does not exist yet), `to` the file's.
 *
 * @public
 */
export interface PagerDutyFieldChange {
  path: string;
  from: unknown;
  to: unknown;
}

/**
 * One PagerDuty resource in a plan; `none`: PagerDuty already matches the
 * file.
 *
 * @public
 */
export interface PagerDutyChange {
  resource: PagerDutyResource;
  action: 'create' | 'update' | 'none';
  /** PagerDuty's id, once the resource exists. */
  id?: string;
  /** Empty for `none`. */
  fields: PagerDutyFieldChange[];
}

/**
 * The dry run of a Schedule entity against PagerDuty: nothing is written.
 *
 * @public
 */
export interface PagerDutyPlan {
  schedule: {
    /** `schedule:default/payments-primary` */
    entityRef: string;
    /** Its `metadata.title`, else its name. */
    title: string;
    /** The PagerDuty account: `default`, or its `pagerduty.com/account`. */
    account: string;
  };
  changes: PagerDutyChange[];
}

/**
 * Where the reconcile of a Schedule entity to PagerDuty stands.
 *
 * @public
 */
export type PagerDutyReconcileStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'retrying';

/**
 * The last reconcile of a Schedule entity and the PagerDuty ids it made.
 *
 * @public
 */
export interface PagerDutyReconcileState {
  status: PagerDutyReconcileStatus;
  /** Attempts of the latest run. */
  attempts: number;
  lastError: string | null;
  /** ISO time. */
  lastRunAt: string | null;
  /** ISO time of the next attempt, while retrying. */
  nextAttemptAt: string | null;
  pagerDuty: {
    scheduleId: string | null;
    escalationPolicyId: string | null;
    /** Services linked to the escalation policy. */
    serviceIds: string[];
  };
}

/**
 * An existing PagerDuty schedule (and escalation policy) to turn into a
 * Schedule entity file.
 *
 * @public
 */
export interface PagerDutyImportRequest {
  scheduleId: string;
  escalationPolicyId?: string;
  /** The owner Group's entity ref. */
  owner: string;
  /** The Schedule entity's name. */
  name: string;
}

/**
 * The Schedule entity made from PagerDuty, as YAML for the team's
 * repository and as the entity.
 *
 * @public
 */
export interface PagerDutyImportResult {
  yaml: string;
  entity: Entity;
}

/**
 * The Multivac backend, as the frontend sees it.
 *
 * @public
 */
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
  /**
   * The entity page's on-call card in one request: who is on call, the
   * recent pages, and whether the viewer may page and acknowledge them.
   */
  getOnCallCard(entityRef: string): Promise<OnCallCardData>;
  /** Built-in schedules with who is on call now and the next `days` of shifts. */
  listSchedules(days?: number): Promise<ScheduleOverview[]>;
  /** A schedule's current and upcoming covers (overrides), in the order made. */
  listOverrides(scheduleId: string): Promise<OnCallOverrideRecord[]>;
  /** Covers a shift: the person is on call for the schedule over the window. */
  createOverride(
    scheduleId: string,
    request: OverrideRequest,
  ): Promise<OnCallOverrideRecord>;
  cancelOverride(scheduleId: string, overrideId: string): Promise<void>;
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
  /**
   * The incident's post-mortem, created pre-filled unless it has one;
   * refused while the incident is not resolved.
   */
  createPostmortem(incidentIdOrReference: string): Promise<Postmortem>;
  /** The incident's post-mortem; undefined when it has none yet. */
  findIncidentPostmortem(
    incidentIdOrReference: string,
  ): Promise<Postmortem | undefined>;
  /** `entityRef` also matches what a team owns or a System contains. */
  listPostmortems(query?: ListPostmortemsQuery): Promise<PostmortemList>;
  /** One person's action items across post-mortems (`owner: 'me'`: yours). */
  listActionItems(query: ListActionItemsQuery): Promise<AssignedActionItemList>;
  /** By id or reference (`PM-7`). */
  getPostmortem(idOrReference: string): Promise<Postmortem>;
  /** Changes only the sections and fields named. */
  updatePostmortem(
    id: string,
    request: UpdatePostmortemRequest,
  ): Promise<Postmortem>;
  /** Moves it along `allowedPostmortemTransitions`. */
  setPostmortemStatus(
    id: string,
    status: PostmortemStatus,
  ): Promise<Postmortem>;
  /**
   * The signed-in reviewer approves the post-mortem in review; refused for
   * someone who is not a reviewer, and for its owner while another reviewer
   * is listed.
   */
  approvePostmortem(id: string): Promise<Postmortem>;
  /**
   * Makes a published post-mortem a draft again; the reason goes on its
   * timeline.
   */
  reopenPostmortem(id: string, reason: string): Promise<Postmortem>;
  addActionItem(
    postmortemId: string,
    request: CreateActionItemRequest,
  ): Promise<PostmortemActionItem>;
  updateActionItem(
    postmortemId: string,
    itemId: string,
    request: UpdateActionItemRequest,
  ): Promise<PostmortemActionItem>;
  deleteActionItem(postmortemId: string, itemId: string): Promise<void>;
  exportPostmortemMarkdown(id: string): Promise<PostmortemMarkdown>;
  /** `entityRef` also matches what a team owns or a System contains. */
  listReleases(query?: ListReleasesQuery): Promise<ReleaseList>;
  /** By id or reference (`REL-7`), with its history. */
  getRelease(idOrReference: string): Promise<Release>;
  /** Throws ReleaseBlockedError when a conflict blocks and there is no `force`. */
  createRelease(request: CreateReleaseRequest): Promise<CheckedRelease>;
  /** Throws ReleaseBlockedError when a moved window is blocked. */
  updateRelease(
    idOrReference: string,
    request: UpdateReleaseRequest,
  ): Promise<CheckedRelease>;
  /** Moves it along `allowedReleaseTransitions`. */
  setReleaseStatus(
    idOrReference: string,
    to: ReleaseStatus,
    note?: string,
  ): Promise<Release>;
  /** The conflicts a proposed window would have; nothing is stored. */
  checkRelease(request: CheckReleaseRequest): Promise<ReleaseCheckResult>;
  listReleaseEnvironments(): Promise<ReleaseEnvironment[]>;
  /** The entities' releases and those of what they depend on, with why. */
  listReleasesAround(query: ReleasesAroundQuery): Promise<RelevantRelease[]>;
  /** A new personal iCalendar feed URL; the previous one stops working. */
  createReleaseFeedToken(): Promise<ReleaseFeedToken>;
  /** `entityRef` also matches what a team owns or a System contains. */
  listAlerts(query?: Partial<ListAlertsQuery>): Promise<AlertList>;
  /** One alert group with its alerts. */
  getAlertGroup(id: string): Promise<AlertGroupDetails>;
  /** Turns the group into an incident; refused when it already is one. */
  startIncidentFromAlertGroup(groupId: string): Promise<Incident>;
  /** Acknowledges the page the group sent; refused when it paged nobody. */
  acknowledgeAlertGroup(groupId: string): Promise<PageRecord>;
  /** Every integration with its delivery URL, never its secrets. */
  listAlertIntegrations(): Promise<AlertIntegrationInfo[]>;
  /** Where each alert of the sample would go; nothing is stored. */
  previewAlertRouting(
    integrationId: string,
    sample: AlertRoutingSample,
  ): Promise<AlertRoutePreview[]>;
  /** Deliveries no adapter could read, newest first. */
  listAlertDeadLetters(): Promise<AlertDeadLetter[]>;
  /** The answer holds the new secret: the only time it is shown. */
  createAlertIntegration(
    request: CreateAlertIntegrationRequest,
  ): Promise<AlertIntegrationSecret>;
  /** A new secret; the old one stays valid for the grace period. */
  rotateAlertIntegrationSecret(
    id: string,
    request?: RotateAlertIntegrationSecretRequest,
  ): Promise<AlertIntegrationSecret>;
  /** Only portal-managed integrations; config-managed ones are refused. */
  deleteAlertIntegration(id: string): Promise<void>;
  /** Incident count, MTTA, MTTR and mobilisation against the previous period. */
  getIncidentInsights(query?: InsightsQuery): Promise<IncidentInsights>;
  /** Interruptions by band, person, weekday and hour. */
  getInterruptionInsights(query?: InsightsQuery): Promise<InterruptionInsights>;
  /** The daily digest: the last hours of the company or a team, and tonight's on-call. */
  getDigest(query?: DigestQuery): Promise<Digest>;
  /** Hours on call, interruptions per shift, bursts, bad nights and fairness per schedule. */
  getOnCallLoad(query?: OnCallLoadQuery): Promise<OnCallLoad>;
  /** Change failure rate of production releases per service, each failed release with its incident. */
  getChangeFailure(query?: ChangeFailureQuery): Promise<ChangeFailureInsights>;
  /** A Group's report card for a week or a month: each line a verdict and its reason. */
  getReportCard(query: ReportCardQuery): Promise<ReportCard>;
  /**
   * What reconciling the Schedule entity (`schedule:default/payments-primary`)
   * would change in PagerDuty; nothing is written.
   */
  getPagerDutyPlan(scheduleRef: string): Promise<PagerDutyPlan>;
  /**
   * The Schedule entity's last reconcile to PagerDuty; a ResponseError with
   * status 404 when it was never reconciled or is not marked for PagerDuty.
   */
  getPagerDutyState(scheduleRef: string): Promise<PagerDutyReconcileState>;
  /** Starts a reconcile of the Schedule entity to PagerDuty now. */
  reconcilePagerDuty(scheduleRef: string): Promise<PagerDutyReconcileState>;
  /** An existing PagerDuty schedule as a Schedule entity file. */
  importPagerDutySchedule(
    request: PagerDutyImportRequest,
  ): Promise<PagerDutyImportResult>;
}

/** @public */
export const multivacApiRef = createApiRef<MultivacApi>({
  id: 'plugin.multivac.service',
});
