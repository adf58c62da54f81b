import { LoggerService } from '@backstage/backend-plugin-api';
import {
  MultivacWorkflow,
  WorkflowClient,
} from '@multivac/plugin-multivac-node';
import { WebClient } from '@slack/web-api';
import { SlackChannels, UnknownSlackChannelError } from '../bot/SlackChannels';
import { DigestChannelConfig, localDayAndHour } from './digestConfig';
import { DigestClaims } from './DigestClaims';
import { digestText } from './digestMessage';

/** The scheduler task that posts due digests. */
export const DIGEST_TASK_ID = 'multivac-slack-digest';

/**
 * Posts each configured channel's digest once per local day, at the
 * configured hour or at the first tick after it that day. Ticks run on
 * every replica (or on one, under Backstage's scheduler lock): the claim in
 * the database decides who posts. A channel given by name is resolved when
 * it is due, and claimed by its id: one the bot cannot see (yet) is warned
 * about and tried again at the next tick.
 */
export class DigestPoster implements WorkflowClient {
  readonly id = 'slack-digest';
  private workflow?: MultivacWorkflow;

  constructor(
    private readonly deps: {
      client: WebClient;
      /** Resolves channel names (`#sre-digest`) to ids. */
      channels: SlackChannels;
      claims: DigestClaims;
      /** `multivac.slack.digest.channels`. */
      targets: DigestChannelConfig[];
      logger: LoggerService;
      /** The portal's base URL (`app.baseUrl`), for the link to the page. */
      portalUrl?: string;
    },
  ) {}

  connect(workflow: MultivacWorkflow): void {
    this.workflow = workflow;
  }

  /** Posts the digests due at `now`; returns the channel ids posted to. */
  async tick(now: Date = new Date()): Promise<string[]> {
    const workflow = this.workflow;
    if (!workflow) {
      return []; // Not started yet.
    }
    const posted: string[] = [];
    for (const target of this.deps.targets) {
      const { day, hour } = localDayAndHour(now, target.timeZone);
      if (hour < target.hour) {
        continue;
      }
      let channel: string;
      try {
        // Claimed by id: a name and its id cannot both post the same day.
        channel = await this.deps.channels.idOfSetting(
          target.key,
          target.channel,
          this.deps.logger,
        );
      } catch (error) {
        // Not claimed: the next tick tries again. A name the bot cannot see
        // was logged as a warning naming the key.
        if (!(error instanceof UnknownSlackChannelError)) {
          this.deps.logger.error(
            `The digest for Slack channel ${target.channel} (${day}): the channel could not be resolved: ${error}`,
          );
        }
        continue;
      }
      const claim = await this.deps.claims.claim(channel, day, now);
      if (!claim) {
        continue;
      }
      try {
        const digest = await workflow.insights.digest({ team: target.team });
        const page = this.deps.portalUrl
          ? `${this.deps.portalUrl.replace(/\/$/, '')}/multivac/digest${
              digest.team ? `?team=${encodeURIComponent(digest.team.ref)}` : ''
            }`
          : undefined;
        const result = await this.deps.client.chat.postMessage({
          channel,
          text: digestText(digest, {
            incident: reference => workflow.urls.incident(reference),
            postmortem: reference => workflow.urls.postmortem(reference),
            release: reference => workflow.urls.release(reference),
            page,
          }),
          unfurl_links: false,
        });
        await this.deps.claims.posted(channel, day, claim, result.ts);
        posted.push(channel);
      } catch (error) {
        // Given up, so that the next tick (on any replica) tries again.
        await this.deps.claims.release(channel, day, claim);
        this.deps.logger.error(
          `The digest for Slack channel ${target.channel} (${day}) failed: ${error}`,
        );
      }
    }
    return posted;
  }
}
