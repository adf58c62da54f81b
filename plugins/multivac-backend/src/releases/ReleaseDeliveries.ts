import { NotFoundError } from '@backstage/errors';
import { Release } from '@multivac/plugin-multivac-common';
import {
  ReleaseChange,
  ReleaseDependent,
  ReleaseSubscriber,
} from '@multivac/plugin-multivac-node';
import { Knex } from 'knex';
import { JobQueue } from '../jobs/JobQueue';

const jobType = (subscriber: ReleaseSubscriber) =>
  `release-subscriber:${subscriber.id}`;

/**
 * Carries release changes to module subscribers as durable jobs, recorded in
 * the change's transaction when there is one. Subscribers get the release
 * and its dependents as they are when their job runs.
 */
export class ReleaseDeliveries {
  constructor(
    private readonly jobs: JobQueue,
    private readonly subscribers: ReleaseSubscriber[],
  ) {}

  attach(load: {
    release(id: string): Promise<Release | undefined>;
    dependents(release: Release): Promise<ReleaseDependent[]>;
  }) {
    for (const subscriber of this.subscribers) {
      this.jobs.registerHandler(jobType(subscriber), async job => {
        const releaseId = String(job.payload.releaseId);
        const release = await load.release(releaseId);
        if (!release) {
          throw new NotFoundError(`No release ${releaseId}`);
        }
        await subscriber.onReleaseChange({
          release,
          change: job.payload.change as ReleaseChange['change'],
          dependents: await load.dependents(release),
          deliveryId: job.id,
          attempt: job.attempt,
        });
      });
    }
  }

  /**
   * `key` tells repeated changes of one kind apart (the window a release was
   * moved to, the status it reached); the same key is delivered once.
   */
  async changed(
    release: Pick<Release, 'id'>,
    change: ReleaseChange['change'],
    key: string,
    tx?: Knex.Transaction,
  ): Promise<void> {
    for (const subscriber of this.subscribers) {
      const type = jobType(subscriber);
      await this.jobs.enqueue(
        {
          type,
          idempotencyKey: `${type}:${release.id}:${change}:${key}`,
          payload: { releaseId: release.id, change },
        },
        tx,
      );
    }
  }
}
