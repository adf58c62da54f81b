import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { TimelineEvent } from '@multivac/plugin-multivac-common';
import { IncidentSubscriber } from '@multivac/plugin-multivac-node';
import { Knex } from 'knex';
import { IncidentStore } from '../database/IncidentStore';
import { JobQueue } from '../jobs/JobQueue';

const jobType = (subscriber: IncidentSubscriber) =>
  `subscriber:${subscriber.id}`;

/**
 * Connects module subscribers to incident changes through durable jobs: one
 * job per (subscriber, timeline event), recorded in the change's transaction.
 */
export class IncidentDeliveries {
  constructor(
    private readonly subscribers: IncidentSubscriber[],
    private readonly jobs: JobQueue,
    private readonly logger: LoggerService,
  ) {}

  /** Registers one job handler per subscriber, reading from `store`. */
  attach(store: IncidentStore) {
    for (const subscriber of this.subscribers) {
      this.jobs.registerHandler(jobType(subscriber), async job => {
        const eventId = String(job.payload.eventId);
        const event = await store.getTimelineEvent(eventId);
        const incident = job.incidentId
          ? await store.getIncident(job.incidentId)
          : undefined;
        if (!event || !incident) {
          throw new NotFoundError(`Timeline event ${eventId} no longer exists`);
        }
        await subscriber.onIncidentChange({
          event,
          incident,
          deliveryId: job.id,
          attempt: job.attempt,
        });
      });
    }
    if (this.subscribers.length) {
      this.logger.info(
        `Incident changes go to: ${this.subscribers.map(s => s.id).join(', ')}`,
      );
    }
  }

  /** The store's timeline sink. */
  readonly record = async (tx: Knex.Transaction, event: TimelineEvent) => {
    for (const subscriber of this.subscribers) {
      await this.jobs.enqueue(
        {
          type: jobType(subscriber),
          idempotencyKey: `${jobType(subscriber)}:event:${event.id}`,
          incidentId: event.incidentId,
          payload: { eventId: event.id, eventType: event.type },
        },
        tx,
      );
    }
  };
}
