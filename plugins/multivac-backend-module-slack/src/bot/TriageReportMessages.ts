import { LoggerService } from '@backstage/backend-plugin-api';
import {
  MultivacWorkflow,
  ReportChange,
  ReportSubscriber,
} from '@multivac/plugin-multivac-node';
import { SlackConfig } from '../config';
import { reportMessageKey } from '../database/SlackStore';
import { triageMessage } from '../messages';
import { WorkflowHandle } from '../WorkflowHandle';
import { postOrUpdate } from './postOrUpdate';
import { SlackBotServices } from './SlackBotServices';
import { SlackChannels, triageChannelId } from './SlackChannels';

/**
 * Every report, from Slack or the portal, in the triage channel: one
 * message per report, tagging the reporter and the people paged, with
 * Acknowledge and Start incident buttons, updated as the report moves on.
 */
export class TriageReportMessages implements ReportSubscriber {
  readonly id = 'slack';
  private readonly workflow = new WorkflowHandle();

  constructor(
    private readonly deps: SlackBotServices & {
      channels: SlackChannels;
      config: SlackConfig;
      logger: LoggerService;
    },
  ) {}

  connect(workflow: MultivacWorkflow): void {
    this.workflow.set(workflow);
  }

  async onReportChange({ report, change }: ReportChange): Promise<void> {
    const { triageChannel } = this.deps.config;
    if (!triageChannel) {
      return;
    }
    const { client, store, users } = this.deps;
    const { urls } = this.workflow.get();
    const incidentChannel = report.incidentId
      ? await store.channelForIncident(report.incidentId)
      : undefined;
    const people = [
      report.reportedBy,
      ...report.pages.flatMap(p => [
        ...p.targets.map(t => t.userRef ?? ''),
        p.acknowledgedBy ?? '',
      ]),
    ];
    const message = triageMessage(report, {
      reporter: await users.slackId(report.reportedBy),
      slackIds: await users.slackIds(people),
      names: await users.displayNames(people),
      reportUrl: urls.report(report.reference),
      incidentUrl: report.incidentReference
        ? urls.incident(report.incidentReference)
        : undefined,
      incidentChannelId: incidentChannel?.channelId,
    });
    const posted = await postOrUpdate(
      this.deps,
      reportMessageKey(report.id),
      message,
      change === 'submitted'
        ? async () => {
            const result = await client.chat.postMessage({
              // An unknown name throws: the delivery is retried.
              channel: (await triageChannelId(this.deps))!,
              ...message,
            });
            return { channelId: result.channel!, ts: result.ts! };
          }
        : undefined,
    );
    if (!posted) {
      // The first post has not happened yet; the retry updates it.
      throw new Error(
        `The triage message of ${report.reference} is not posted yet`,
      );
    }
  }
}
