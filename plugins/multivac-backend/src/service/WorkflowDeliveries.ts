import { NotFoundError } from '@backstage/errors';
import {
  PageRecord,
  Postmortem,
  TriageReport,
} from '@multivac/plugin-multivac-common';
import {
  PageChange,
  PageSubscriber,
  PostmortemChange,
  PostmortemSubscriber,
  ReportChange,
  ReportSubscriber,
} from '@multivac/plugin-multivac-node';
import { Knex } from 'knex';
import { JobQueue } from '../jobs/JobQueue';

/**
 * Carries report, page and post-mortem changes to module subscribers (the
 * Slack triage channel, direct messages for built-in pages) as durable jobs,
 * recorded in the change's transaction when there is one. Subscribers read
 * the current report, page or post-mortem when their job runs.
 */
export class WorkflowDeliveries {
  constructor(
    private readonly jobs: JobQueue,
    private readonly reportSubscribers: ReportSubscriber[],
    private readonly pageSubscribers: PageSubscriber[],
    private readonly postmortemSubscribers: PostmortemSubscriber[] = [],
  ) {}

  attachPostmortems(load: (id: string) => Promise<Postmortem>) {
    for (const subscriber of this.postmortemSubscribers) {
      this.jobs.registerHandler(
        `postmortem-subscriber:${subscriber.id}`,
        async job =>
          subscriber.onPostmortemChange({
            postmortem: await load(String(job.payload.postmortemId)),
            change: job.payload.change as PostmortemChange['change'],
            deliveryId: job.id,
            attempt: job.attempt,
          }),
      );
    }
  }

  attach(load: {
    report(id: string): Promise<TriageReport>;
    page(id: string): Promise<PageRecord | undefined>;
  }) {
    for (const subscriber of this.reportSubscribers) {
      this.jobs.registerHandler(
        `report-subscriber:${subscriber.id}`,
        async job =>
          subscriber.onReportChange({
            report: await load.report(String(job.payload.reportId)),
            change: job.payload.change as ReportChange['change'],
            deliveryId: job.id,
            attempt: job.attempt,
          }),
      );
    }
    for (const subscriber of this.pageSubscribers) {
      this.jobs.registerHandler(
        `page-subscriber:${subscriber.id}`,
        async job => {
          const pageId = String(job.payload.pageId);
          const page = await load.page(pageId);
          if (!page) {
            throw new NotFoundError(`No page ${pageId}`);
          }
          await subscriber.onPageChange({
            page,
            change: job.payload.change as PageChange['change'],
            deliveryId: job.id,
            attempt: job.attempt,
          });
        },
      );
    }
  }

  /** `key` tells repeated changes of one kind apart (e.g. the page id). */
  async reportChanged(
    reportId: string,
    change: ReportChange['change'],
    key: string,
    tx?: Knex.Transaction,
  ): Promise<void> {
    for (const { id } of this.reportSubscribers) {
      const type = `report-subscriber:${id}`;
      await this.jobs.enqueue(
        {
          type,
          idempotencyKey: `${type}:${reportId}:${change}:${key}`,
          payload: { reportId, change },
        },
        tx,
      );
    }
  }

  /** An acknowledged page also changes the report that asked for it. */
  async pageChanged(
    page: Pick<PageRecord, 'id' | 'incidentId' | 'reportId'>,
    change: PageChange['change'],
    key: string,
    tx?: Knex.Transaction,
  ): Promise<void> {
    if (page.reportId && change === 'acknowledged') {
      await this.reportChanged(page.reportId, 'acknowledged', page.id, tx);
    }
    for (const { id } of this.pageSubscribers) {
      const type = `page-subscriber:${id}`;
      await this.jobs.enqueue(
        {
          type,
          idempotencyKey: `${type}:${page.id}:${change}:${key}`,
          incidentId: page.incidentId,
          payload: { pageId: page.id, change },
        },
        tx,
      );
    }
  }

  /** `key` tells repeated changes of one kind apart (e.g. the day of a reminder). */
  async postmortemChanged(
    postmortem: Pick<Postmortem, 'id' | 'incidentId'>,
    change: PostmortemChange['change'],
    key: string,
    tx?: Knex.Transaction,
  ): Promise<void> {
    for (const { id } of this.postmortemSubscribers) {
      const type = `postmortem-subscriber:${id}`;
      await this.jobs.enqueue(
        {
          type,
          idempotencyKey: `${type}:${postmortem.id}:${change}:${key}`,
          incidentId: postmortem.incidentId,
          payload: { postmortemId: postmortem.id, change },
        },
        tx,
      );
    }
  }
}
