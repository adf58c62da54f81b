import { LoggerService } from '@backstage/backend-plugin-api';
import { Incident, roleHolder } from '@multivac/plugin-multivac-common';
import { SlackConfig } from '../config';
import { sendDirectMessage } from './directMessage';
import { describeSlackError, slackProblem } from './slackErrors';
import { SlackBotServices } from './SlackBotServices';
import { SlackChannels, triageChannelId } from './SlackChannels';

/**
 * Tells people when Slack refuses an incident's channel work for a reason
 * only they can fix (a missing scope, the app not in a channel, a revoked
 * token...), once per incident and problem however often the job is
 * retried. Failures that pass by themselves (rate limits, Slack's own
 * errors, the network) are left to the job queue's retries, silently.
 */
export class SlackProblems {
  constructor(
    private readonly deps: SlackBotServices & {
      channels: SlackChannels;
      config: SlackConfig;
      logger: LoggerService;
    },
  ) {}

  /**
   * Tells the incident's controller (else whoever declared it) in a direct
   * message, and the triage channel, that `what` failed and how to fix it.
   * Never throws: the caller rethrows `error` so that its job is retried.
   */
  async report(incident: Incident, what: string, error: unknown) {
    const { client, store, users, config, logger } = this.deps;
    const problem = slackProblem(error);
    if (!problem) {
      return;
    }
    const text = `I could not ${what} for ${incident.reference}: Slack says ${problem.says}. ${problem.fix}; I will retry.`;
    logger.warn(text);
    const key = [
      'problem',
      incident.id,
      problem.code,
      ...(problem.neededScope ? [problem.neededScope] : []),
    ].join(':');
    try {
      if (!(await store.claimNotice(key))) {
        return;
      }
      const told: string[] = [];
      const person = roleHolder(incident, 'controller') ?? incident.createdBy;
      const slackId = await this.attempt(`tell ${person}`, () =>
        users.slackId(person),
      );
      if (
        slackId &&
        (await this.attempt(`tell ${person}`, () =>
          sendDirectMessage(client, slackId, { text }),
        ))
      ) {
        told.push(person);
      }
      if (
        config.triageChannel &&
        (await this.attempt('tell the triage channel', () =>
          triageChannelId(this.deps).then(channel =>
            client.chat.postMessage({ channel: channel!, text }),
          ),
        ))
      ) {
        told.push('the triage channel');
      }
      if (told.length === 0) {
        // Nobody heard it (e.g. the token is revoked): the next retry tries again.
        await store.releaseNotice(key);
        logger.error(`Nobody on Slack could be told: ${text}`);
      }
    } catch (failure) {
      logger.error(`Could not report a Slack problem (${text}): ${failure}`);
    }
  }

  /** The call's result, or undefined (logged) when it failed. */
  private async attempt<T>(
    what: string,
    call: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      this.deps.logger.warn(
        `Could not ${what} about a Slack problem: ${describeSlackError(error)}`,
      );
      return undefined;
    }
  }
}
