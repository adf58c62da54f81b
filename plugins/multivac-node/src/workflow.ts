import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Permission } from '@backstage/plugin-permission-common';
import {
  Alert,
  AlertGroupDetails,
  Digest,
  Incident,
  IncidentRole,
  IncidentStatus,
  OnCallAnswer,
  OnCallOverrideRecord,
  PageRecord,
  Postmortem,
  RelevantRelease,
  ReleaseEnvironment,
  ReleaseStatus,
  ReportRequest,
  Severity,
  SeverityRubric,
  TimelineEvent,
  TriageReport,
} from '@multivac/plugin-multivac-common';
import { MultivacContribution, WorkflowClient } from './contribution';
import { PageUpdateReceiver } from './oncall';

/*
 * The incident workflow as chat modules (Slack, a terminal shell) drive it.
 * `actor` is always the catalog user acting (`user:default/ada`): modules map
 * their own users to catalog users and check permissions with `authorize`
 * before acting.
 */

/** @public */
export interface WorkflowIncidents {
  /** Declares an incident; the actor becomes its controller. */
  declare(
    input: {
      title: string;
      severity: Severity;
      entityRefs: string[];
      description?: string;
    },
    actor: string,
  ): Promise<Incident>;
  /** By id or reference (`INC-7`); undefined when there is none. */
  get(idOrReference: string): Promise<Incident | undefined>;
  update(
    id: string,
    changes: { severity?: Severity; summary?: string; title?: string },
    actor: string,
  ): Promise<Incident>;
  /** Moves the incident through its state machine (409 when not allowed). */
  transition(
    id: string,
    to: IncidentStatus,
    actor: string,
    note?: string,
  ): Promise<Incident>;
  assignRole(
    id: string,
    role: IncidentRole,
    userRef: string,
    actor: string,
  ): Promise<Incident>;
  addNote(id: string, text: string, actor: string): Promise<TimelineEvent>;
  timeline(id: string): Promise<TimelineEvent[]>;
}

/** @public */
export interface WorkflowReports {
  readonly rubric: SeverityRubric;
  /** Validates like `POST /reports`, stores and pages (see ReportService). */
  submit(input: ReportRequest, reporter: string): Promise<TriageReport>;
  /** By id or reference (`RPT-3`); 404 when there is none. */
  get(idOrReference: string): Promise<TriageReport>;
  /** Turns the report into an incident (409 when it already is one). */
  startIncident(idOrReference: string, actor: string): Promise<Incident>;
}

/** @public */
export interface WorkflowPage {
  summary: string;
  urgency: 'high' | 'low';
  details?: Record<string, unknown>;
  /** The incident the page is for; the page is linked to it. */
  incidentId?: string;
}

/** @public */
export interface WorkflowOnCall {
  /** Who is on call for the entity (through its owner and System). */
  whoIsOnCall(entityRef: string): Promise<OnCallAnswer>;
  /** Pages the escalation chain of an entity. */
  pageEntity(
    entityRef: string,
    page: WorkflowPage,
    actor: string,
  ): Promise<PageRecord>;
  /**
   * Pages one catalog user directly, without escalation: through a provider
   * that knows them (a PagerDuty user), else recorded for chat modules to
   * deliver. `about` is the entity the page concerns (e.g. the incident's
   * service); it picks the provider's service and lists the page with it.
   */
  pageUser(
    userRef: string,
    page: WorkflowPage & { about?: string },
    actor: string,
  ): Promise<PageRecord>;
  acknowledge(pageId: string, actor: string): Promise<PageRecord>;
  /**
   * Covers a shift (issue 19): `userRef` is on call for a built-in schedule
   * from `from` to `to`, local 'HH:mm' times in the schedule's zone (today;
   * the end on the next day when not after the start; tomorrow when the
   * window is already over). Without `scheduleId`, the one schedule the
   * actor, else the person, is a member of. 400 naming the field; needs
   * `multivac.oncall.override`, checked by the caller. Absent where the
   * backend stores no overrides.
   */
  coverShift?(
    request: {
      userRef: string;
      scheduleId?: string;
      from: string;
      to: string;
      reason?: string;
    },
    actor: string,
  ): Promise<{
    override: OnCallOverrideRecord;
    schedule: { id: string; name: string; timeZone: string };
  }>;
  /**
   * Records what happened to a page on the provider's side (e.g. a PagerDuty
   * webhook said it was acknowledged).
   */
  readonly pageUpdates: PageUpdateReceiver;
}

/** @public */
export interface WorkflowPostmortems {
  /**
   * Creates the post-mortem of a resolved incident (409 otherwise), or
   * returns the one it already has (`created: false`).
   */
  create(
    incidentIdOrReference: string,
    actor: string,
  ): Promise<{ postmortem: Postmortem; created: boolean }>;
  /**
   * By post-mortem id or reference (`PM-7`), or by its incident's id or
   * reference (`INC-7`); undefined when there is none.
   */
  get(idOrIncidentReference: string): Promise<Postmortem | undefined>;
}

export type { RelevantRelease };

/** @public */
export interface WorkflowReleases {
  /** `multivac.releases.environments`, in their configured order. */
  readonly environments: ReleaseEnvironment[];
  /** The IANA zone release times are shown in (`multivac.releases.timeZone`). */
  readonly timeZone: string;
  /**
   * Releases of `entityRefs` and of what they depend on (through dependsOn
   * and APIs, to `multivac.releases.dependencyDepth`) whose windows overlap
   * `from`..`to`, by start; 400 for an unknown entity or environment.
   */
  around(
    entityRefs: string[],
    window: {
      from: string;
      to: string;
      /** Default: every environment. */
      environment?: string;
      /** Default: every status. */
      statuses?: readonly ReleaseStatus[];
    },
  ): Promise<RelevantRelease[]>;
}

/**
 * An alert group as chat shows it: with the page it sent and the incident
 * it became (or was attached to).
 *
 * @public
 */
export interface WorkflowAlertGroup extends AlertGroupDetails {
  page?: PageRecord;
  /** `INC-7`, when `incidentId` is set. */
  incidentReference?: string;
}

/** @public */
export interface FiringAlerts {
  /** The entities looked at, as refs; empty when everything was. */
  entityRefs: string[];
  /** Firing alerts, most recently updated first, at most the limit asked. */
  items: Alert[];
  /** How many are firing in all. */
  totalCount: number;
}

/** @public */
export interface WorkflowAlerts {
  /**
   * What is firing now on `entities` (refs, or names tried as a Component,
   * then a Group, then a System) and on what those own (a Group) or contain
   * (a System); everywhere when none is given. `limit` is 1..200; 400 for a
   * name or ref the catalog does not have.
   */
  firing(options: {
    entities?: string[];
    limit: number;
  }): Promise<FiringAlerts>;
  /** By id; undefined when there is none. */
  getGroup(id: string): Promise<WorkflowAlertGroup | undefined>;
  /** Acknowledges the page the group sent (409 when it sent none). */
  acknowledge(groupId: string, actor: string): Promise<PageRecord>;
  /**
   * Turns the group into an incident on its entity, with its alerts on the
   * timeline (409 when it already has one).
   */
  startIncident(groupId: string, actor: string): Promise<Incident>;
}

/** @public */
export interface WorkflowInsights {
  /**
   * The daily digest of the last `hours` (1..168, default 24) up to now, of
   * the company or of one team (a Group ref or name); 400 for a malformed
   * query, 404 for a team the catalog does not have, each naming the field.
   */
  digest(query: { team?: string; hours?: number }): Promise<Digest>;
  /**
   * The bad nights (2 or more interruptions between 22:00 and 08:00 in the
   * person's own zone, within their shifts on a built-in schedule) of the
   * night before the morning of `date` (YYYY-MM-DD) in each person's zone;
   * without `date`, each zone's last night that has ended. Each with the
   * team lead to tell and who could cover; 400 naming `date` when malformed.
   */
  badNights(query: { date?: string }): Promise<WorkflowBadNight[]>;
}

/**
 * One person's bad night, with the numbers and whom to tell.
 *
 * @public
 */
export interface WorkflowBadNight {
  userRef: string;
  /** Display name. */
  name: string;
  /** The night, named by the local date (YYYY-MM-DD) of its evening. */
  night: string;
  /** The person's zone, in which the night is 22:00 to 08:00. */
  timeZone: string;
  /** ISO times of the night's start and end. */
  start: string;
  end: string;
  /** The interruptions that night, in time order. */
  interruptions: Array<{
    /** ISO time. */
    at: string;
    /** HH:mm in `timeZone`. */
    localTime: string;
    pageId?: string;
    incidentId?: string;
    /** What it was about, and its title or name. */
    entityRef: string;
    entityName: string;
  }>;
  /** The built-in schedule on which they were on call (the most pages). */
  schedule: { id: string; name: string; timeZone: string };
  /** The Group that names the schedule (`multivac.io/oncall-schedule`). */
  team?: { ref: string; name: string };
  /**
   * Whom to tell: `multivac.insights.teamLeads[team]`, else the Group's
   * `multivac.io/team-lead` annotation; absent when neither is set. Zone:
   * their User's `multivac.io/timezone`, else the schedule's.
   */
  lead?: {
    userRef: string;
    name: string;
    timeZone: string;
    source: 'config' | 'annotation';
  };
  /**
   * At most two others on the schedule with the lowest share of its
   * interruptions (then of its on-call hours) over `coverPeriod`: the
   * on-call load's fairness figures.
   */
  cover: Array<{
    userRef: string;
    name: string;
    interruptions: number;
    /** Share of the schedule's interruptions, 0..1; null when none. */
    interruptionsShare: number | null;
    hours: number;
    hoursShare: number;
  }>;
  /** ISO bounds of the period of the cover figures (the last 30 days). */
  coverPeriod: { from: string; to: string };
}

/**
 * A module's own durable work, run by the core's job queue.
 *
 * @public
 */
export interface WorkflowJobs {
  /** `type` must start with the module's prefix, e.g. `slack.`. */
  registerHandler(
    type: string,
    handler: (job: {
      id: string;
      payload: Record<string, unknown>;
      attempt: number;
      /**
       * Aborted when the attempt's deadline passes (see the
       * `timeoutSeconds` job setting) or another replica took the job over:
       * pass it to HTTP clients so that a hung call ends with the attempt.
       */
      signal: AbortSignal;
    }) => Promise<void>,
  ): void;
  /**
   * Records the job unless one with `idempotencyKey` already exists (on any
   * replica sharing the database): returns false for a duplicate.
   */
  enqueue(request: {
    type: string;
    idempotencyKey: string;
    payload: Record<string, unknown>;
    incidentId?: string;
    runAfter?: Date;
    maxAttempts?: number;
  }): Promise<boolean>;
}

/**
 * What the core gives chat modules once the plugin has started.
 *
 * @public
 */
export interface MultivacWorkflow {
  incidents: WorkflowIncidents;
  reports: WorkflowReports;
  onCall: WorkflowOnCall;
  postmortems: WorkflowPostmortems;
  releases: WorkflowReleases;
  alerts: WorkflowAlerts;
  insights: WorkflowInsights;
  jobs: WorkflowJobs;
  /**
   * Whether the permission policy allows `userRef` the permission: on the
   * item `resourceRef` for a resource permission (`INC-7`, `PM-7`, `REL-3`,
   * a page's id). Without an item, a resource permission is allowed only
   * when the policy allows it on every item.
   */
  authorize(
    userRef: string,
    permission: Permission,
    resourceRef?: string,
  ): Promise<boolean>;
  /** Links to the portal. */
  urls: {
    incident(reference: string): string;
    report(reference: string): string;
    /** By post-mortem id or reference (`PM-7`). */
    postmortem(idOrReference: string): string;
    /** By release reference (`REL-12`). */
    release(reference: string): string;
    /** The alerts page, showing `entityRef`'s alerts when given. */
    alerts(entityRef?: string): string;
    /** One alert group's page. */
    alertGroup(id: string): string;
  };
}

/**
 * What a report subscriber receives.
 *
 * @public
 */
export interface ReportChange {
  /** The report as it is when the subscriber runs. */
  report: TriageReport;
  /** `submitted`, `paged`, `acknowledged` or `incident` (started). */
  change: 'submitted' | 'paged' | 'acknowledged' | 'incident';
  deliveryId: string;
  attempt: number;
}

/**
 * Like IncidentSubscriber, for triage reports (e.g. the triage channel).
 *
 * @public
 */
export interface ReportSubscriber extends MultivacContribution {
  onReportChange(change: ReportChange): Promise<void>;
}

/**
 * What a page subscriber receives.
 *
 * @public
 */
export interface PageChange {
  /** The page as it is when the subscriber runs. */
  page: PageRecord;
  /**
   * `triggered` (new), `escalated` (new targets), `acknowledged`, `resolved`.
   * Built-in pages (`provider: 'builtin'`) reach people only through
   * subscribers; the others are delivered by their provider too.
   */
  change: 'triggered' | 'escalated' | 'acknowledged' | 'resolved';
  deliveryId: string;
  attempt: number;
}

/**
 * Delivers pages to people, e.g. a Slack direct message.
 *
 * @public
 */
export interface PageSubscriber extends MultivacContribution {
  onPageChange(change: PageChange): Promise<void>;
}

/**
 * What a post-mortem subscriber receives.
 *
 * @public
 */
export interface PostmortemChange {
  /** The post-mortem as it is when the subscriber runs. */
  postmortem: Postmortem;
  /**
   * `created`; `status` (moved to draft, in review or published); `due`
   * (overdue, sent at most once a day while it stays unpublished).
   */
  change: 'created' | 'status' | 'due';
  deliveryId: string;
  attempt: number;
}

/**
 * Tells people about post-mortems, e.g. in the incident's channel.
 *
 * @public
 */
export interface PostmortemSubscriber extends MultivacContribution {
  onPostmortemChange(change: PostmortemChange): Promise<void>;
}

/**
 * What an alert group subscriber receives.
 *
 * @public
 */
export interface AlertGroupChange {
  /** The group as it is when the subscriber runs. */
  group: WorkflowAlertGroup;
  /**
   * `opened`: a group that pages (high urgency, no incident yet) opened;
   * sent once per group. `incident`: the group was turned into an incident
   * (`incidentId` and `incidentReference` are set), from whichever place
   * (portal, REST, chat); sent once per group.
   */
  change: 'opened' | 'incident';
  deliveryId: string;
  attempt: number;
}

/**
 * Tells the owning team about alert groups, e.g. in its Slack channel.
 *
 * @public
 */
export interface AlertGroupSubscriber extends MultivacContribution {
  onAlertGroupChange(change: AlertGroupChange): Promise<void>;
}

/** @public */
export interface MultivacWorkflowExtensionPoint {
  /**
   * A contribution that uses the workflow without subscribing to anything
   * (a chat router, a webhook receiver): it is connected once, like every
   * contribution (see `MultivacContribution.connect`).
   */
  addClient(client: WorkflowClient): void;
  addReportSubscriber(subscriber: ReportSubscriber): void;
  addPageSubscriber(subscriber: PageSubscriber): void;
  addPostmortemSubscriber(subscriber: PostmortemSubscriber): void;
  addAlertGroupSubscriber(subscriber: AlertGroupSubscriber): void;
}

/**
 * Lets chat modules (Slack, a shell) run the incident workflow.
 *
 * @public
 */
export const multivacWorkflowExtensionPoint =
  createExtensionPoint<MultivacWorkflowExtensionPoint>({
    id: 'multivac.workflow',
  });
