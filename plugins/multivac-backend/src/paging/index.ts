import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { PagingChannel } from '@multivac/plugin-multivac-node';
import { Knex } from 'knex';
import { PageStore } from '../database/PageStore';
import { JobQueue } from '../jobs/JobQueue';
import { PeopleDirectory } from '../oncall/PeopleDirectory';
import { AcknowledgeLinks } from './AcknowledgeLinks';
import { ChannelPaging, readDefaultChannels } from './ChannelPaging';
import { DatabasePageDeliveryStore } from './DatabasePageDeliveryStore';
import { EmailPagingChannel } from './EmailPagingChannel';
import { WebhookPagingChannel } from './WebhookPagingChannel';

export { ACKNOWLEDGE_PATH } from './AcknowledgeLinks';
export { createAcknowledgeRouter } from './acknowledgeRouter';
export { ChannelPaging } from './ChannelPaging';

/**
 * Paging channels: the modules' (e.g. Slack) first, then the built-in
 * email (`multivac.paging.email`) and webhook (`multivac.paging.webhook`)
 * channels where configured, then Backstage notifications when they are
 * on, and the signed acknowledge links they carry.
 * Bad config fails the start-up naming the key.
 */
export function createChannelPaging(options: {
  db: Knex;
  config: Config;
  contributed: readonly PagingChannel[];
  pages: PageStore;
  people: PeopleDirectory;
  jobs: JobQueue;
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
  /** The `notifications` channel, when Backstage notifications are on. */
  notifications?: PagingChannel;
}): { channels: ChannelPaging; links: AcknowledgeLinks } {
  const { config, logger } = options;
  const builtin: PagingChannel[] = [
    EmailPagingChannel.fromConfig(config, options.people),
    WebhookPagingChannel.fromConfig(config),
    // Last: it rings nothing, so it is the default order's last resort.
    options.notifications,
  ].flatMap(channel => (channel ? [channel] : []));
  const taken = new Set(options.contributed.map(c => c.id));
  for (const channel of builtin) {
    if (taken.has(channel.id)) {
      throw new Error(
        `A module contributed a paging channel '${channel.id}', the id of a built-in channel`,
      );
    }
  }
  const all = [...options.contributed, ...builtin];
  const links = AcknowledgeLinks.fromConfig(config, options);
  if (links.ephemeral && all.length > 0) {
    logger.warn(
      'Paging acknowledge links are signed with a key made up at start-up: they stop working after a restart and on other replicas. Set multivac.paging.acknowledgeLinks.secret (or backend.auth.keys).',
    );
  }
  const defaultChannels = readDefaultChannels(config, all);
  logger.info(
    all.length > 0
      ? `Paging channels: ${all
          .map(c => c.id)
          .join(', ')}; default order: ${defaultChannels.join(', ')}`
      : 'No paging channels: built-in pages are recorded and shown in the portal only',
  );
  const channels = new ChannelPaging({
    ...options,
    channels: all,
    defaultChannels,
    store: new DatabasePageDeliveryStore(options.db),
    links,
  });
  return { channels, links };
}
