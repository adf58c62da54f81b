import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  MultivacWorkflow,
  ReleaseChange,
  ReleaseSubscriber,
} from '@multivac/plugin-multivac-node';
import { WebClient } from '@slack/web-api';
import { SlackStore } from '../database/SlackStore';
import { releaseHeadsUp } from '../messages';
import { WorkflowHandle } from '../WorkflowHandle';
import { SlackChannels, UnknownSlackChannelError } from './SlackChannels';
import { owningTeam, postJoining } from './teams';

/** Key of the heads-up posted in `channelId` for one release delivery. */
const releaseNoticeKey = (deliveryId: string, channelId: string) =>
  `release:${deliveryId}:${channelId}`;

/**
 * Gives the teams of entities that depend on a released one a heads-up in
 * their Slack channel when it is scheduled, when it starts and when it is
 * rolled back: one message per channel, with every reason it concerns them,
 * once per delivery however often it is retried.
 */
export class ReleaseNotices implements ReleaseSubscriber {
  readonly id = 'slack';
  private readonly workflow = new WorkflowHandle();

  constructor(
    private readonly deps: {
      client: WebClient;
      channels: SlackChannels;
      store: SlackStore;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  connect(workflow: MultivacWorkflow): void {
    this.workflow.set(workflow);
  }

  async onReleaseChange({
    release,
    change,
    dependents,
    deliveryId,
  }: ReleaseChange): Promise<void> {
    const news = change === 'status' ? release.status : change;
    if (news !== 'scheduled' && news !== 'starting' && news !== 'rolled_back') {
      return;
    }
    const reasonsByChannel = new Map<string, string[]>();
    for (const dependent of dependents) {
      const channel = await this.channelOf(dependent.entityRef, release);
      if (!channel) {
        continue;
      }
      reasonsByChannel.set(channel, [
        ...(reasonsByChannel.get(channel) ?? []),
        dependent.reason,
      ]);
    }
    const { client, store } = this.deps;
    const { urls, releases } = this.workflow.get();
    for (const [channel, reasons] of reasonsByChannel) {
      const key = releaseNoticeKey(deliveryId, channel);
      if (await store.getMessage(key)) {
        continue;
      }
      const ts = await postJoining(
        client,
        channel,
        releaseHeadsUp(
          release,
          news,
          reasons,
          urls.release(release.reference),
          { timeZone: releases.timeZone, now: new Date() },
        ),
      );
      await store.saveMessage(key, { channelId: channel, ts });
    }
  }

  /**
   * The id of the dependent's team channel; undefined (logged) when it has
   * none, or names one the bot cannot see.
   */
  private async channelOf(
    entityRef: string,
    release: ReleaseChange['release'],
  ): Promise<string | undefined> {
    const { channels, logger } = this.deps;
    const { channel } = await owningTeam(this.deps, entityRef);
    if (!channel) {
      logger.debug(
        `No Slack channel for ${entityRef}, which depends on ${release.reference}`,
      );
      return undefined;
    }
    try {
      return await channels.idOf(channel);
    } catch (error) {
      if (!(error instanceof UnknownSlackChannelError)) {
        throw error;
      }
      logger.warn(
        `No heads-up on ${release.reference} for ${entityRef}: ${error.message}`,
      );
      return undefined;
    }
  }
}
