import {
  DigestIncident,
  DigestList,
  DigestPostmortem,
  DigestRelease,
  DigestReport,
} from '@multivac/plugin-multivac-common';

/** What a digest covers: [from, to), optionally one team's entities. */
export interface DigestFilter {
  from: Date;
  to: Date;
  /**
   * A Group: only what names an entity it owns (from
   * `multivac_entity_owners`; a Group owns itself).
   */
  team?: string;
}

/** The digest's lists, each read with one query and a count. */
export interface DigestStore {
  /**
   * Entities the digest of [from, to) and the `ahead` window names (incidents
   * declared, resolved or open, reports, pages, releases, post-mortems due)
   * whose owner is unknown or was refreshed before `staleBefore`.
   */
  entitiesToRefresh(
    filter: DigestFilter,
    ahead: { from: Date; to: Date },
    staleBefore: Date,
  ): Promise<string[]>;
  /** Incidents declared in the period, newest first (cancelled left out). */
  declared(
    filter: DigestFilter,
    limit: number,
  ): Promise<DigestList<DigestIncident>>;
  /** Incidents resolved in the period, the latest first, with durations. */
  resolved(
    filter: DigestFilter,
    limit: number,
  ): Promise<DigestList<DigestIncident>>;
  /** Incidents neither resolved nor cancelled, declared before `to`, oldest first. */
  open(
    filter: DigestFilter,
    limit: number,
  ): Promise<DigestList<DigestIncident>>;
  /** Reports filed in the period, newest first. */
  reports(
    filter: DigestFilter,
    limit: number,
  ): Promise<DigestList<DigestReport>>;
  /** Pages created in the period by the owner Group of the paged entity. */
  pagesByTeam(
    filter: DigestFilter,
  ): Promise<Array<{ teamRef: string; pages: number; acknowledged: number }>>;
  /**
   * Post-mortems not published whose due date (YYYY-MM-DD) is on or before
   * `dueBy`, the earliest first; `overdueDays` counted from `today`.
   */
  postmortemsDue(
    options: { dueBy: string; today: string; team?: string },
    limit: number,
  ): Promise<DigestList<DigestPostmortem>>;
  /** Releases not cancelled whose window overlaps [from, to), by start. */
  releases(
    filter: DigestFilter,
    limit: number,
  ): Promise<DigestList<DigestRelease>>;
}
