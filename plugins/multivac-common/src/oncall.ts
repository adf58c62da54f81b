/** Who is on call, as the portal and the bot show it. */

export interface OnCallPerson {
  /** Catalog user ref, when the person is in the catalog. */
  userRef?: string;
  name: string;
  email?: string;
  phone?: string;
  slackUserId?: string;
}

export interface OnCallShiftInfo {
  person: OnCallPerson;
  /** ISO times; the shift as scheduled, not clipped to "now". */
  start: string;
  end: string;
}

export interface EscalationLevelInfo {
  /** 1 for the first people paged. */
  level: number;
  /** Minutes without acknowledgement before the next level is paged. */
  timeoutMinutes: number;
  onCall: OnCallShiftInfo[];
}

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
  schedule: { id: string; name: string; url?: string };
  /** Escalation chain right now; level 1 is who gets paged first. */
  levels: EscalationLevelInfo[];
  /** Who takes over after the current level-1 shift. */
  next?: OnCallShiftInfo;
}

/** A built-in schedule and its final on-call timeline, for overviews. */
export interface ScheduleOverview {
  id: string;
  name: string;
  timeZone: string;
  onCallNow?: OnCallShiftInfo;
  /** Final shifts over the requested window (gaps are times with nobody). */
  shifts: OnCallShiftInfo[];
}
