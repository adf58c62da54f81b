import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Release } from '@multivac/plugin-multivac-common';
import { MultivacContribution } from './contribution';

/**
 * An entity that depends on the released one, and whom to tell.
 *
 * @public
 */
export interface ReleaseDependent {
  entityRef: string;
  /** The dependent entity's owner (a Group or User ref), when it has one. */
  ownerRef?: string;
  /** Why it is affected, e.g. "checkout depends on payments-api". */
  reason: string;
}

/**
 * What a release subscriber receives.
 *
 * @public
 */
export interface ReleaseChange {
  /** The release as it is when the subscriber runs. */
  release: Release;
  /**
   * `scheduled`: booked, or moved to another window; `starting`: its window
   * started or it was marked in progress (once per release); `status`: done,
   * rolled back or cancelled.
   */
  change: 'scheduled' | 'starting' | 'status';
  /**
   * What depends on the released entity (through dependsOn and APIs, to
   * `multivac.releases.dependencyDepth`), from the catalog when the
   * subscriber runs.
   */
  dependents: ReleaseDependent[];
  /** Stable across retries of this delivery: use it as an idempotency key. */
  deliveryId: string;
  /** 1 on the first try. */
  attempt: number;
}

/**
 * Tells people about releases, e.g. the owners of dependent entities in
 * their Slack channel, or PagerDuty as a change event. Each change reaches
 * each subscriber as a durable job recorded with the change: retried with
 * back-off, at least once, so handlers must be idempotent (`deliveryId`).
 *
 * @public
 */
export interface ReleaseSubscriber extends MultivacContribution {
  onReleaseChange(change: ReleaseChange): Promise<void>;
}

/** @public */
export interface MultivacReleasesExtensionPoint {
  addReleaseSubscriber(subscriber: ReleaseSubscriber): void;
}

/**
 * Lets backend modules hear about releases from the release calendar.
 *
 * @public
 */
export const multivacReleasesExtensionPoint =
  createExtensionPoint<MultivacReleasesExtensionPoint>({
    id: 'multivac.releases',
  });
