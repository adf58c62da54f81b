import { LoggerService } from '@backstage/backend-plugin-api';
import {
  MultivacWorkflow,
  WorkflowBadNight,
  WorkflowClient,
} from '@multivac/plugin-multivac-node';
import { WebClient } from '@slack/web-api';
import { sendDirectMessage } from '../bot/directMessage';
import { localDayAndHour } from '../digest/digestConfig';
import { burnoutNudgeText } from './burnoutMessage';
import { NudgeClaims } from './NudgeClaims';

/** The scheduler task that sends due nudges. */
export const BURNOUT_NUDGE_TASK_ID = 'multivac-slack-burnout-nudge';

/** What the nudger needs of Slack users (`SlackUsers`). */
export interface NudgeUsers {
  /** Slack ids of those refs that have one, keyed by ref. */
  slackIds(userRefs: string[]): Promise<Record<string, string>>;
}

/**
 * Whether the nudge of `night` is due at `now`: from the lead's `hour` on
 * the lead's local day on which the night ended, or from the night's end
 * when that is later (a night in another zone may end in the lead's
 * afternoon).
 */
export function nudgeDue(
  night: Pick<WorkflowBadNight, 'end'>,
  leadTimeZone: string,
  hour: number,
  now: Date,
): boolean {
  const end = new Date(night.end);
  if (now.getTime() < end.getTime()) {
    return false;
  }
  const ended = localDayAndHour(end, leadTimeZone);
  const local = localDayAndHour(now, leadTimeZone);
  return local.day > ended.day || local.hour >= hour;
}

/**
 * After a bad night, tells the person's team lead in a direct message, once
 * per person and night: ticks run on every replica (or on one, under
 * Backstage's scheduler lock) and the claim in the database decides who
 * sends. Each tick asks for each zone's last night that has ended, so a
 * nudge not sent before the person's next night ends is no longer sent.
 */
export class BurnoutNudger implements WorkflowClient {
  readonly id = 'slack-burnout-nudge';
  private workflow?: MultivacWorkflow;

  constructor(
    private readonly deps: {
      client: WebClient;
      claims: NudgeClaims;
      users: NudgeUsers;
      /** The lead's local hour from which nudges are sent. */
      hour: number;
      logger: LoggerService;
    },
  ) {}

  connect(workflow: MultivacWorkflow): void {
    this.workflow = workflow;
  }

  /** Sends the nudges due at `now`; returns the (person, night) pairs sent. */
  async tick(now: Date = new Date()): Promise<string[]> {
    const workflow = this.workflow;
    if (!workflow) {
      return []; // Not started yet.
    }
    const sent: string[] = [];
    const nights = await workflow.insights.badNights({});
    for (const night of nights) {
      const lead = night.lead;
      if (!lead || !nudgeDue(night, lead.timeZone, this.deps.hour, now)) {
        continue;
      }
      const key = { userRef: night.userRef, night: night.night };
      const claim = await this.deps.claims.claim(
        { ...key, leadRef: lead.userRef },
        now,
      );
      if (!claim) {
        continue;
      }
      try {
        const slackIds = await this.deps.users.slackIds([
          lead.userRef,
          night.userRef,
          ...night.cover.map(c => c.userRef),
        ]);
        const leadSlackId = slackIds[lead.userRef];
        if (!leadSlackId) {
          await this.deps.claims.done(key, claim, {
            outcome: 'no_slack_user',
          });
          this.deps.logger.warn(
            `Did not tell ${lead.userRef} of ${night.userRef}'s bad night of ${night.night}: they have no Slack user`,
          );
          continue;
        }
        const names = Object.fromEntries([
          [night.userRef, night.name],
          ...night.cover.map(c => [c.userRef, c.name]),
        ]);
        const message = await sendDirectMessage(this.deps.client, leadSlackId, {
          text: burnoutNudgeText(night, { slackIds, names }),
        });
        await this.deps.claims.done(key, claim, {
          outcome: 'sent',
          channel: message.channelId,
          ts: message.ts,
        });
        sent.push(`${night.userRef} ${night.night}`);
      } catch (error) {
        // Given up, so that the next tick (on any replica) tries again.
        await this.deps.claims.release(key, claim);
        this.deps.logger.error(
          `The burnout nudge to ${lead.userRef} of ${night.userRef}'s bad night of ${night.night} failed: ${error}`,
        );
      }
    }
    return sent;
  }
}
