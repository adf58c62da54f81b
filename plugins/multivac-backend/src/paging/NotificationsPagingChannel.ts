import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  PagingChannel,
  PagingDelivery,
  PagingDeliveryResult,
} from '@multivac/plugin-multivac-node';
import { PageLink } from '../notifications/NotificationsSubscriber';
import { pagePayload } from '../notifications/payloads';

/** How long the notifications backend may take to accept a page. */
const SEND_TIMEOUT_MS = 10_000;

/**
 * Pages a person through Backstage's notifications (the bell in the
 * portal): for people who live in the portal, e.g.
 * `multivac.io/paging-channels: notifications,email`. Delivered once the
 * notifications backend has stored it for the person's catalog User; that
 * it rings nothing is why it comes last in the default order. The
 * notification has the page's scope, the one the notifications subscriber
 * keeps current as the page is acknowledged or resolved, so a person gets
 * one notification per page.
 */
export class NotificationsPagingChannel implements PagingChannel {
  readonly id = 'notifications';

  constructor(
    private readonly notifications: NotificationService,
    private readonly pageLink: PageLink,
  ) {}

  async deliver(
    { page, person }: PagingDelivery,
    signal: AbortSignal,
  ): Promise<PagingDeliveryResult> {
    if (!person.userRef) {
      return {
        status: 'failed',
        error: `${person.name} is not a catalog user, whom notifications reach`,
      };
    }
    const deadline = AbortSignal.any([
      signal,
      AbortSignal.timeout(SEND_TIMEOUT_MS),
    ]);
    let aborted: (() => void) | undefined;
    try {
      const sent = this.notifications.send({
        recipients: { type: 'entity', entityRef: person.userRef },
        payload: pagePayload(page, await this.pageLink(page)),
      });
      await Promise.race([
        sent,
        new Promise<never>((_, reject) => {
          aborted = () => reject(new Error('timed out'));
          if (deadline.aborted) {
            aborted();
          } else {
            deadline.addEventListener('abort', aborted, { once: true });
          }
        }),
      ]);
    } catch (error) {
      return {
        status: 'failed',
        error: `the notifications backend did not take it: ${
          (error as Error).message
        }`,
      };
    } finally {
      if (aborted) {
        deadline.removeEventListener('abort', aborted);
      }
    }
    return {
      status: 'delivered',
      detail: `sent as a Backstage notification to ${person.name}`,
    };
  }
}
