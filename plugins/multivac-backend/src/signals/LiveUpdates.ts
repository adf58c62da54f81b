import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  liveChannels,
  LiveSignal,
  PageRecord,
} from '@multivac/plugin-multivac-common';
import { knexOf, Transaction } from '../database/Transaction';

/** What a kind of change is fanned out through (`Deliveries.changed`). */
interface ChangeFanOut<TChange extends string> {
  changed(
    subject: { id: string; incidentId?: string },
    change: TChange,
    key: string,
    tx?: Transaction,
  ): Promise<void>;
}

/**
 * Live updates for the portal: after each change of an incident, a page, a
 * triage report or a post-mortem commits, publishes a Backstage signal naming what changed,
 * so open pages refetch it (through the permission-checked REST routes).
 *
 * It hooks the same fan-out that delivers changes to subscribers, but it is
 * not a durable subscriber: a signal is a hint to re-read, published once by
 * the process that committed the change, right after the commit (never for a
 * rolled-back change). Losing one (a crash between commit and publish) costs
 * a page a stale view until its next read, not data. Publishing never fails
 * the change: errors are logged.
 */
export class LiveUpdates {
  constructor(
    /** Without it (e.g. a composition without a backend) nothing is published. */
    private readonly signals: SignalsService | undefined,
    private readonly logger: LoggerService,
    private readonly loadPage: (
      id: string,
    ) => Promise<
      Pick<PageRecord, 'entityRef' | 'incidentId' | 'reportId'> | undefined
    >,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Incident changes; their subject is the timeline event. */
  incidents<T extends ChangeFanOut<any>>(deliveries: T): T {
    return this.after(deliveries, subject =>
      subject.incidentId ? this.incidentChanged(subject.incidentId) : [],
    );
  }

  reports<T extends ChangeFanOut<any>>(deliveries: T): T {
    return this.after(deliveries, subject => this.reportChanged(subject.id));
  }

  /** A post-mortem shows on its incident's page. */
  postmortems<T extends ChangeFanOut<any>>(deliveries: T): T {
    return this.after(deliveries, subject =>
      subject.incidentId
        ? [
            {
              channel: liveChannels.incident(subject.incidentId),
              message: this.message('postmortem', subject.id),
            },
          ]
        : [],
    );
  }

  pages<T extends ChangeFanOut<any>>(deliveries: T): T {
    return this.after(deliveries, subject => this.pageChanged(subject.id));
  }

  private incidentChanged(id: string): Publication[] {
    const message = this.message('incident', id);
    return [
      { channel: liveChannels.incident(id), message },
      { channel: liveChannels.incidents, message },
    ];
  }

  private reportChanged(id: string): Publication[] {
    const message = this.message('report', id);
    return [
      { channel: liveChannels.report(id), message },
      { channel: liveChannels.reports, message },
    ];
  }

  /**
   * A page shows on its entity's On call card, on its report and on its
   * incident: each of them hears about it.
   */
  private async pageChanged(id: string): Promise<Publication[]> {
    const page = await this.loadPage(id);
    const message = this.message('page', id);
    const publications: Publication[] = [
      { channel: liveChannels.pages, message },
    ];
    if (page) {
      publications.push({
        channel: liveChannels.entityPages(page.entityRef),
        message,
      });
      if (page.reportId) {
        publications.push({
          channel: liveChannels.report(page.reportId),
          message,
        });
      }
      if (page.incidentId) {
        publications.push({
          channel: liveChannels.incident(page.incidentId),
          message,
        });
      }
    }
    return publications;
  }

  private message(kind: LiveSignal['kind'], id: string): LiveSignal {
    return { kind, id, at: this.now().toISOString() };
  }

  /**
   * The fan-out with its `changed` followed by the signals, once the change's
   * transaction (when there is one) has committed.
   */
  private after<T extends ChangeFanOut<any>>(
    deliveries: T,
    publications: (subject: {
      id: string;
      incidentId?: string;
    }) => Publication[] | Promise<Publication[]>,
  ): T {
    const signals = this.signals;
    if (!signals) {
      return deliveries;
    }
    const changed: ChangeFanOut<string>['changed'] = async (
      subject,
      change,
      key,
      tx,
    ) => {
      await deliveries.changed(subject, change, key, tx);
      const publish = () => this.publish(signals, subject, publications);
      if (tx) {
        knexOf(tx)
          .executionPromise.then(publish)
          // A rolled-back change is not published.
          .catch(() => {});
      } else {
        publish();
      }
    };
    return new Proxy(deliveries, {
      get: (target, property, receiver) =>
        property === 'changed'
          ? changed
          : Reflect.get(target, property, receiver),
    });
  }

  /** Never throws, never waited for: the change has happened already. */
  private publish(
    signals: SignalsService,
    subject: { id: string; incidentId?: string },
    publications: (subject: {
      id: string;
      incidentId?: string;
    }) => Publication[] | Promise<Publication[]>,
  ): void {
    (async () => {
      for (const { channel, message } of await publications(subject)) {
        await signals.publish<LiveSignal>({
          recipients: { type: 'broadcast' },
          channel,
          message,
        });
      }
    })().catch(error =>
      this.logger.warn(
        `Multivac could not publish a live update for ${
          subject.id
        }: ${stringifyError(error)}`,
      ),
    );
  }
}

interface Publication {
  channel: string;
  message: LiveSignal;
}
