import { NotFoundError } from '@backstage/errors';
import { MultivacContribution } from '@multivac/plugin-multivac-node';
import { Transaction } from '../database/Transaction';
import { JobQueue } from '../jobs/JobQueue';

/** Stable across retries of one delivery, and which try this is. */
export interface Delivery {
  deliveryId: string;
  attempt: number;
}

/** What a kind of change (incident, report, page, ...) needs to be delivered. */
export interface DeliveryKind<TSubscriber, TSubject, TChange extends string> {
  /** Names the subscribers' jobs: `<jobPrefix>:<subscriber id>`. */
  jobPrefix: string;
  /** The payload field that carries the subject's id, e.g. `reportId`. */
  idField: string;
  /**
   * Each subscriber hears about one subject in order even when it has no
   * incident (changes with an incident are ordered per incident).
   */
  orderBySubject?: boolean;
  /** Reads the subject when the job runs; undefined when it is gone. */
  load(id: string): Promise<TSubject | undefined>;
  /** Hands the change to one subscriber. */
  deliver(
    subscriber: TSubscriber,
    subject: TSubject,
    change: TChange,
    delivery: Delivery,
  ): Promise<void>;
}

/**
 * Carries one kind of change to the modules that subscribed to it, as
 * durable jobs: one job per (subscriber, change), recorded in the change's
 * transaction when there is one, retried with back-off, run at least once.
 * Subscribers get the subject as it is when their job runs.
 */
export class Deliveries<
  TSubscriber extends MultivacContribution,
  TSubject,
  TChange extends string,
> {
  constructor(
    private readonly jobs: JobQueue,
    private readonly subscribers: readonly TSubscriber[],
    private readonly kind: DeliveryKind<TSubscriber, TSubject, TChange>,
  ) {
    for (const subscriber of subscribers) {
      jobs.registerHandler(this.jobType(subscriber), async job => {
        const id = String(job.payload[kind.idField]);
        const subject = await kind.load(id);
        if (subject === undefined) {
          throw new NotFoundError(
            `${kind.jobPrefix}: ${kind.idField} ${id} no longer exists`,
          );
        }
        await kind.deliver(subscriber, subject, job.payload.change as TChange, {
          deliveryId: job.id,
          attempt: job.attempt,
        });
      });
    }
  }

  /** Ids of the subscribers, for start-up logs. */
  get subscriberIds(): string[] {
    return this.subscribers.map(s => s.id);
  }

  /**
   * Records one job per subscriber. `key` tells repeated changes of one kind
   * to the same subject apart (the page id, the window a release moved to,
   * the day of a reminder): the same key is delivered once.
   */
  async changed(
    subject: { id: string; incidentId?: string },
    change: TChange,
    key: string,
    tx?: Transaction,
  ): Promise<void> {
    for (const subscriber of this.subscribers) {
      const type = this.jobType(subscriber);
      await this.jobs.enqueue(
        {
          type,
          idempotencyKey: `${type}:${subject.id}:${change}:${key}`,
          incidentId: subject.incidentId,
          orderKey: this.orderKey(type, subject),
          payload: { [this.kind.idField]: subject.id, change },
        },
        tx,
      );
    }
  }

  /**
   * One subscriber hears about one incident in the order things happened
   * (the channel exists before its topic changes); or about one subject,
   * when the kind asks.
   */
  private orderKey(
    type: string,
    subject: { id: string; incidentId?: string },
  ): string | undefined {
    if (subject.incidentId) {
      return `${type}:${subject.incidentId}`;
    }
    return this.kind.orderBySubject ? `${type}:${subject.id}` : undefined;
  }

  private jobType(subscriber: TSubscriber): string {
    return `${this.kind.jobPrefix}:${subscriber.id}`;
  }
}
