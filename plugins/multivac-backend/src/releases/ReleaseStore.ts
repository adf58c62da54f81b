import { PermissionFilter } from '../permissions/permissionFilter';
import {
  Release,
  ReleaseForce,
  ReleaseLink,
  ReleaseStatus,
} from '@multivac/plugin-multivac-common';
import { Transaction } from '../database/Transaction';

export interface NewRelease {
  entityRef: string;
  title: string;
  environment: string;
  /** ISO times. */
  start: string;
  end: string;
  ownerRef: string;
  links: ReleaseLink[];
  notes: string;
  forced?: ReleaseForce;
  /** A release that already happened, recorded as done with this reason. */
  done?: { reason: string };
}

export type ReleaseChanges = Partial<
  Pick<
    NewRelease,
    'title' | 'start' | 'end' | 'ownerRef' | 'links' | 'notes' | 'forced'
  >
>;

export interface ReleaseFilter {
  entityRefs?: string[];
  environments?: string[];
  statuses?: ReleaseStatus[];
  /** Windows ending after this ISO time. */
  from?: string;
  /** Windows starting before this ISO time. */
  to?: string;
  /** What the permission policy lets the caller see, when not everything. */
  permission?: PermissionFilter;
  limit: number;
  offset: number;
}

/** Releases of one environment whose windows overlap `start`..`end`. */
export interface OverlapQuery {
  environment: string;
  start: string;
  end: string;
  /** The release being moved, which does not conflict with itself. */
  excludeId?: string;
}

/** Persistence of the release calendar. */
export interface ReleaseStore {
  /**
   * Runs `fn` in a transaction that no other booking of `environment` runs
   * alongside (on every replica), so that a conflict check and the booking
   * it allows see the same calendar.
   */
  withEnvironmentLock<T>(
    environment: string,
    fn: (tx: Transaction) => Promise<T>,
  ): Promise<T>;
  create(input: NewRelease, actor: string, tx?: Transaction): Promise<Release>;
  /** By id, number, or reference (`REL-12`). */
  get(idOrReference: string, tx?: Transaction): Promise<Release | undefined>;
  list(
    filter: ReleaseFilter,
  ): Promise<{ items: Release[]; totalCount: number }>;
  /** Planned or in-progress releases overlapping the window (touching is not overlapping). */
  findOverlapping(query: OverlapQuery, tx?: Transaction): Promise<Release[]>;
  update(
    id: string,
    changes: ReleaseChanges,
    tx?: Transaction,
  ): Promise<Release>;
  /**
   * Moves the release to `to` (409 naming the allowed statuses otherwise);
   * `andThen` runs in the same transaction.
   */
  transition(
    id: string,
    change: { to: ReleaseStatus; actor: string; note?: string },
    andThen?: (tx: Transaction, release: Release) => Promise<void>,
  ): Promise<Release>;
  /**
   * Planned or in-progress releases whose start has passed but whose window
   * has not, and whose start has not been announced yet.
   */
  dueToStart(now: Date): Promise<Release[]>;
  /**
   * Records that the start of the release was announced, so that
   * `dueToStart` no longer lists it.
   */
  markStarting(id: string, tx?: Transaction): Promise<void>;
  /**
   * Moves planned releases whose window has started (and not ended) to
   * in progress, in one UPDATE; returns how many moved.
   */
  startDue(now: Date): Promise<number>;
  /**
   * Moves releases whose window has ended to done, in one UPDATE: planned
   * ones, and in-progress ones that `startDue` started (a status set
   * through the status route, e.g. by CI, is kept); returns how many moved.
   */
  finishDue(now: Date): Promise<number>;
}

/** When a user's feed token was made, and until when it opens the feed. */
export interface FeedTokenInfo {
  createdAt: string;
  /** Unset: until replaced or revoked. */
  expiresAt?: string;
}

/** Per-user tokens of the iCalendar feeds, kept as SHA-256 hashes. */
export interface FeedTokenStore {
  /** Replaces the user's token; it stops opening the feed at `expiresAt`. */
  replace(
    userRef: string,
    tokenSha256: string,
    expiresAt?: Date,
  ): Promise<FeedTokenInfo>;
  /** Whose unexpired token hashes to `tokenSha256`, if anyone's. */
  userOf(tokenSha256: string): Promise<string | undefined>;
  /** The user's token, expired or not, if they have one. */
  infoOf(userRef: string): Promise<FeedTokenInfo | undefined>;
  /** Deletes the user's token; false when they had none. */
  revoke(userRef: string): Promise<boolean>;
}
