import { PageChange, PageSubscriber } from '@multivac/plugin-multivac-node';
import { pageMessage } from '../messages';
import { sendDirectMessage } from './directMessage';
import { postOrUpdate } from './postOrUpdate';
import { SlackBotServices } from './SlackBotServices';

/**
 * Built-in pages (schedules in `multivac.onCall`) reach the people paged as
 * a direct message with an Acknowledge button, updated as the page moves
 * on. Pages of other providers (PagerDuty) reach people through them.
 */
export class PageDirectMessages implements PageSubscriber {
  readonly id = 'slack';

  constructor(private readonly deps: SlackBotServices) {}

  async onPageChange({ page, change }: PageChange): Promise<void> {
    if (page.provider !== 'builtin') {
      return;
    }
    const { client, users } = this.deps;
    const message = pageMessage(page);
    for (const target of page.targets) {
      const slackId = target.userRef
        ? await users.slackId(target.userRef)
        : undefined;
      if (!slackId) {
        continue;
      }
      await postOrUpdate(
        this.deps,
        `page:${page.id}:${slackId}`,
        message,
        change === 'triggered' || change === 'escalated'
          ? () => sendDirectMessage(client, slackId, message)
          : undefined,
      );
    }
  }
}
