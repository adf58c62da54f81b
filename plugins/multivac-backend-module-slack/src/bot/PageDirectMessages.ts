import {
  PageChange,
  PageSubscriber,
  PagingChannel,
  PagingDelivery,
  PagingDeliveryResult,
} from '@multivac/plugin-multivac-node';
import { PageRecord } from '@multivac/plugin-multivac-common';
import { pageMessage, SlackPeople } from '../messages';
import { sendDirectMessage } from './directMessage';
import { postOrUpdate } from './postOrUpdate';
import { SlackBotServices } from './SlackBotServices';

/**
 * Built-in pages (schedules in `multivac.onCall`) reach people as a direct
 * message with an Acknowledge button: the `slack` paging channel. The
 * messages sent are updated as the page moves on (acknowledged, resolved).
 * Pages of other providers (PagerDuty) reach people through them.
 */
export class PageDirectMessages implements PagingChannel, PageSubscriber {
  readonly id = 'slack';

  constructor(private readonly deps: SlackBotServices) {}

  /**
   * Sends the page to one person. The Slack client bounds each call with
   * its own timeout, so the attempt's signal is not needed here.
   */
  async deliver({
    page,
    person,
  }: PagingDelivery): Promise<PagingDeliveryResult> {
    const { client, users } = this.deps;
    const slackId = person.userRef
      ? await users.slackId(person.userRef)
      : undefined;
    if (!slackId) {
      return {
        status: 'failed',
        error: `${person.name} has no Slack user (slack.com/user-id, or a Slack account with their email)`,
      };
    }
    const message = pageMessage(page, await this.people(page));
    await postOrUpdate(this.deps, `page:${page.id}:${slackId}`, message, () =>
      sendDirectMessage(client, slackId, message),
    );
    return { status: 'delivered', detail: 'direct message in Slack' };
  }

  /** Keeps the direct messages sent for a page current. */
  async onPageChange({ page, change }: PageChange): Promise<void> {
    if (
      page.provider !== 'builtin' ||
      change === 'triggered' ||
      change === 'escalated'
    ) {
      return;
    }
    const message = pageMessage(page, await this.people(page));
    for (const target of page.targets) {
      const slackId = target.userRef
        ? await this.deps.users.slackId(target.userRef)
        : undefined;
      if (slackId) {
        await postOrUpdate(this.deps, `page:${page.id}:${slackId}`, message);
      }
    }
  }

  /** Who acknowledged the page, as a mention or by display name. */
  private async people(page: PageRecord): Promise<SlackPeople> {
    const refs = page.acknowledgedBy ? [page.acknowledgedBy] : [];
    const { users } = this.deps;
    return {
      slackIds: await users.slackIds(refs),
      names: await users.displayNames(refs),
    };
  }
}
