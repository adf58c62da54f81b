import { NotificationService } from '@backstage/plugin-notifications-node';
import { Postmortem } from '@multivac/plugin-multivac-common';
import { randomUUID } from 'node:crypto';
import { Transaction } from '../database/Transaction';
import { JobQueue } from '../jobs/JobQueue';
import { actionItemPayload } from './payloads';

export const ACTION_ITEM_JOB = 'notifications.action-item';

/**
 * Tells a person an action item is theirs: each assignment (an item added
 * with an owner, or its owner set) records a durable job in the change's
 * transaction; the job sends the notification, retried while the
 * notifications backend fails. An item deleted or given to someone else
 * before its job ran sends nothing (the newer assignment has its own job).
 */
export class ActionItemNotifications {
  constructor(
    private readonly options: {
      jobs: JobQueue;
      notifications: NotificationService;
      /** By post-mortem id; undefined when it is gone. */
      postmortem(id: string): Promise<Postmortem | undefined>;
    },
  ) {
    options.jobs.registerHandler(ACTION_ITEM_JOB, job =>
      this.send(
        String(job.payload.postmortemId),
        String(job.payload.itemId),
        String(job.payload.ownerRef),
      ),
    );
  }

  /** For `PostmortemService`'s `actionItemAssigned`. */
  readonly assigned = async (
    tx: Transaction,
    assignment: { itemId: string; ownerRef: string; postmortem: Postmortem },
  ): Promise<void> => {
    const { itemId, ownerRef, postmortem } = assignment;
    await this.options.jobs.enqueue(
      {
        type: ACTION_ITEM_JOB,
        // Every assignment is news, also to someone who had the item before.
        idempotencyKey: `${ACTION_ITEM_JOB}:${itemId}:${randomUUID()}`,
        incidentId: postmortem.incidentId,
        payload: { postmortemId: postmortem.id, itemId, ownerRef },
      },
      tx,
    );
  };

  private async send(
    postmortemId: string,
    itemId: string,
    ownerRef: string,
  ): Promise<void> {
    const postmortem = await this.options.postmortem(postmortemId);
    const item = postmortem?.actionItems.find(i => i.id === itemId);
    if (!postmortem || !item || item.ownerRef !== ownerRef) {
      return;
    }
    await this.options.notifications.send({
      recipients: { type: 'entity', entityRef: ownerRef },
      payload: actionItemPayload(postmortem, item),
    });
  }
}
