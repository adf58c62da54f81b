/** Who is on call, as the portal and the bot show it. */

/** @public */
export interface OnCallPerson {
  /** Catalog user ref, when the person is in the catalog. */
  userRef?: string;
  name: string;
  email?: string;
  phone?: string;
  slackUserId?: string;
}

/** @public */
export interface OnCallShiftInfo {
  person: OnCallPerson;
  /** ISO times; the shift as scheduled, not clipped to "now". */
  start: string;
  end: string;
}

/** @public */
export interface EscalationLevelInfo {
  /** 1 for the first people paged. */
  level: number;
  /** Minutes without acknowledgement before the next level is paged. */
  timeoutMinutes: number;
  onCall: OnCallShiftInfo[];
}

/** @public */
export interface OnCallAnswer {
  /** The entity asked about. */
  entityRef: string;
  /**
   * The entity whose annotation answered: the entity itself, its owner Group
   * or its System.
   */
  resolvedFrom: string;
  /** `builtin` or the module that answered, e.g. `pagerduty`. */
  provider: string;
  schedule: {
    id: string;
    name: string;
    url?: string;
    /** The schedule's IANA zone, where the provider knows it. */
    timeZone?: string;
  };
  /** Escalation chain right now; level 1 is who gets paged first. */
  levels: EscalationLevelInfo[];
  /** Who takes over after the current level-1 shift. */
  next?: OnCallShiftInfo;
}

/**
 * Everything the entity page's on-call card shows, in one answer
 * (`GET /oncall/card?entityRef=`), so that a card costs the browser one
 * request: who is on call, the recent pages, and what the viewer may do.
 *
 * @public
 */
export interface OnCallCardData {
  /** Who is on call; absent when nothing answers for the entity. */
  onCall?: OnCallAnswer;
  /** Why nobody is on call, when `onCall` is absent. */
  notFound?: string;
  /**
   * The latest pages about the entity the viewer may read, newest first
   * (none when the viewer may read no pages).
   */
  recentPages: PageRecord[];
  /**
   * How many alerts are firing for the entity (and what it owns or
   * contains); absent when the viewer may not read alerts.
   */
  firingAlerts?: number;
  /**
   * What the policy lets the viewer do now. Only for showing the buttons:
   * the actions check the policy again.
   */
  viewer: {
    /** May page (`multivac.oncall.page`). */
    mayPage: boolean;
    /**
     * The `recentPages` the viewer may acknowledge
     * (`multivac.page.acknowledge` on each), by id.
     */
    mayAcknowledge: string[];
    /**
     * May cover a shift of the built-in schedule
     * (`multivac.oncall.override`); absent from older backends.
     */
    mayOverride?: boolean;
  };
}

/**
 * A built-in schedule and its final on-call timeline, for overviews.
 *
 * @public
 */
export interface ScheduleOverview {
  id: string;
  name: string;
  timeZone: string;
  onCallNow?: OnCallShiftInfo;
  /** Final shifts over the requested window (gaps are times with nobody). */
  shifts: OnCallShiftInfo[];
}

/** @public */
export type PageStatus = 'triggered' | 'acknowledged' | 'resolved';

/**
 * A page sent to whoever is on call for an entity.
 *
 * @public
 */
export interface PageRecord {
  id: string;
  /** The entity the page is about. */
  entityRef: string;
  /** The entity whose on-call annotation answered. */
  resolvedFrom: string;
  /** `builtin` or the module that delivers it, e.g. `pagerduty`. */
  provider: string;
  /** The provider's schedule (or escalation policy) id. */
  scheduleId: string;
  scheduleName: string;
  /**
   * True when nobody could be resolved for the entity and the configured
   * fallback schedule was paged instead.
   */
  fallback: boolean;
  /** The triage report that caused the page. */
  reportId?: string;
  /** The incident the page belongs to, once there is one. */
  incidentId?: string;
  summary: string;
  details: Record<string, unknown>;
  urgency: 'high' | 'low';
  /** Idempotency key sent to the provider. */
  dedupKey: string;
  status: PageStatus;
  /** Escalation level currently paged (1 = first). */
  level: number;
  /** People paged at the current level. */
  targets: OnCallPerson[];
  /** Where delivery stands, in words. */
  delivery: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  /** What happened to the page, oldest first. */
  history: Array<{ at: string; text: string }>;
  /**
   * Built-in pages: each try to reach a person through a paging channel
   * (Slack, email, webhook), oldest first. Set on `GET /pages` and
   * `GET /pages/:id`.
   */
  deliveries?: PageDelivery[];
}

/** @public */
export type PageDeliveryStatus =
  | 'pending'
  | 'delivered'
  | 'failed'
  | 'cancelled';

/**
 * One try to reach one person paged through one channel.
 *
 * @public
 */
export interface PageDelivery {
  id: string;
  /** The escalation level that paged the person. */
  level: number;
  userRef: string;
  /** The person's display name. */
  name: string;
  /** Channel id, e.g. `email`. */
  channel: string;
  /** `cancelled`: the page was acknowledged or resolved before it went out. */
  status: PageDeliveryStatus;
  /** What the channel said, e.g. why it failed. */
  detail?: string;
  createdAt: string;
  updatedAt: string;
}
