import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { isError } from '@backstage/errors';
import {
  incidentCreatePermission,
  incidentUpdatePermission,
  oncallPagePermission,
  postmortemCreatePermission,
  reportCreatePermission,
  ReportRequest,
} from '@multivac/plugin-multivac-common';
import {
  MultivacWorkflow,
  PageChange,
  PageSubscriber,
  ReportChange,
  ReportSubscriber,
} from '@multivac/plugin-multivac-node';
import { WebClient } from '@slack/web-api';
import { BasicPermission } from '@backstage/plugin-permission-common';
import { CommandRegistry } from '../commands/CommandRegistry';
import { SlackConfig } from '../config';
import { reportMessageKey, SlackStore } from '../database/SlackStore';
import {
  ACTIONS,
  COMMAND_REACTIONS,
  escapeMrkdwn,
  pageMessage,
  parseReportSubmission,
  postmortemReply,
  REPORT_MODAL_CALLBACK_ID,
  reportModal,
  triageMessage,
} from '../messages';
import {
  SlackAck,
  SlackAppMentionEvent,
  SlackBlockActions,
  SlackDelivery,
  SlackInbox,
  SlackMessageEvent,
  SlackViewSubmission,
} from '../transport/types';
import { CatalogUser, SlackUsers } from '../users/SlackUsers';
import { sendDirectMessage } from './directMessage';
import { entityProblem } from './entityCheck';
import { KeyMessages } from './KeyMessages';
import { describeSlackError } from './slackErrors';

const DELIVERY = 'slack.delivery';
const NOT_IN_CATALOG =
  'Sorry, I cannot find you in the Backstage catalog (by your Slack id or email), so I cannot act for you. Ask your Backstage admins to add your email or the slack.com/user-id annotation to your User.';

const REPORT = 'slack.report';

/** Where to answer one person: ephemeral in a channel, else their DM. */
interface Audience {
  slackUserId: string;
  channelId?: string;
}

/**
 * The bot: records what Slack sends as durable jobs (once, whichever replica
 * receives it), then runs commands and buttons as the catalog user behind
 * the Slack user, and keeps the triage channel and paged people informed.
 */
export class SlackBot implements SlackInbox, ReportSubscriber, PageSubscriber {
  readonly id = 'slack';
  private workflowRef?: MultivacWorkflow;
  private readonly keyMessages: KeyMessages;

  constructor(
    private readonly deps: {
      client: WebClient;
      store: SlackStore;
      users: SlackUsers;
      commands: CommandRegistry;
      config: SlackConfig;
      logger: LoggerService;
      /** To check a report's entity while Slack waits. */
      catalog: CatalogService;
      auth: AuthService;
    },
  ) {
    this.keyMessages = new KeyMessages({
      ...deps,
      workflow: () => this.workflow,
      tell: (audience, text) => this.tell(audience, text),
    });
  }

  get workflow(): MultivacWorkflow {
    if (!this.workflowRef) {
      throw new Error('The multivac plugin has not started yet');
    }
    return this.workflowRef;
  }

  start(workflow: MultivacWorkflow) {
    this.workflowRef = workflow;
    workflow.jobs.registerHandler(DELIVERY, job =>
      this.handle(job.payload.delivery as SlackDelivery),
    );
    workflow.jobs.registerHandler(REPORT, job =>
      this.submitReport(
        job.payload.request as ReportRequest,
        job.payload.slackUserId as string,
        job.payload.actor as CatalogUser,
      ),
    );
    this.keyMessages.registerJobs(workflow);
  }

  async receive(delivery: SlackDelivery): Promise<SlackAck> {
    if (
      delivery.kind === 'interaction' &&
      delivery.payload.type === 'view_submission'
    ) {
      return this.receiveReport(delivery.dedupKey, delivery.payload);
    }
    await this.workflow.jobs.enqueue({
      type: DELIVERY,
      idempotencyKey: `${DELIVERY}:${delivery.kind}:${delivery.dedupKey}`,
      payload: { delivery },
      // Commands half-run must not run again on their own.
      maxAttempts: 1,
    });
    return undefined;
  }

  /** Checked while Slack waits, so that errors show under the inputs. */
  private async receiveReport(
    dedupKey: string,
    submission: SlackViewSubmission,
  ): Promise<SlackAck> {
    if (submission.view.callback_id !== REPORT_MODAL_CALLBACK_ID) {
      return undefined;
    }
    const parsed = parseReportSubmission(
      submission.view.state.values,
      this.workflow.reports.rubric,
    );
    if (!parsed.ok) {
      return { response_action: 'errors', errors: parsed.errors };
    }
    const { catalog, auth, logger } = this.deps;
    const [actor, entityError] = await Promise.all([
      this.deps.users.catalogUser(submission.user.id),
      entityProblem({
        catalog,
        auth,
        logger,
        entity: parsed.entity,
      }),
    ]);
    if (!actor) {
      return {
        response_action: 'errors',
        errors: { title: NOT_IN_CATALOG },
      };
    }
    if (entityError) {
      return { response_action: 'errors', errors: { entity: entityError } };
    }
    await this.workflow.jobs.enqueue({
      type: REPORT,
      idempotencyKey: `${REPORT}:${dedupKey}`,
      // The form was parsed above; the job only submits what it read.
      payload: {
        request: { ...parsed.request, entityRef: parsed.entity },
        slackUserId: submission.user.id,
        actor,
      },
      maxAttempts: 1,
    });
    return { response_action: 'clear' };
  }

  private async submitReport(
    request: ReportRequest,
    slackUserId: string,
    actor: CatalogUser,
  ): Promise<void> {
    const audience = { slackUserId };
    await this.asUser(actor, reportCreatePermission, audience, async () => {
      const report = await this.workflow.reports.submit(request, actor.userRef);
      await this.tell(
        audience,
        `Thanks, ${report.reference} is reported. ${escapeMrkdwn(
          report.paging,
        )}. Follow it at ${this.workflow.urls.report(report.reference)}`,
      );
    });
  }

  private async handle(delivery: SlackDelivery): Promise<void> {
    if (delivery.kind === 'command') {
      const { command } = delivery;
      await this.runCommand(command.text, {
        slackUserId: command.user_id,
        channelId: command.channel_id,
        triggerId: command.trigger_id,
      });
    } else if (delivery.kind === 'event') {
      const { event } = delivery;
      if (event.type === 'reaction_added' || event.type === 'pin_added') {
        await this.keyMessages.mark(event);
      } else {
        await this.handleMessage(event);
      }
    } else if (delivery.payload.type === 'block_actions') {
      await this.handleActions(delivery.payload);
    }
  }

  private async handleMessage(event: SlackMessageEvent | SlackAppMentionEvent) {
    if (!event.user || ('bot_id' in event && event.bot_id)) {
      return;
    }
    if ('subtype' in event && event.subtype) {
      return;
    }
    const mentioned = event.type === 'app_mention';
    const text = (event.text ?? '').replace(/^\s*<@[A-Z0-9]+>\s*/, '');
    const [first = ''] = text.trim().split(/\s+/);
    // Plain messages are conversation unless they start with a command.
    if (!mentioned) {
      if (
        !this.deps.commands.has(first) ||
        !(await this.deps.store.incidentForChannel(event.channel))
      ) {
        return;
      }
    }
    const outcome = await this.runCommand(text, {
      slackUserId: event.user,
      channelId: event.channel,
    });
    const reaction = COMMAND_REACTIONS[outcome as 'done' | 'unknown'];
    if (reaction) {
      await this.deps.client.reactions.add({
        channel: event.channel,
        timestamp: event.ts,
        name: reaction,
      });
    }
  }

  private async runCommand(
    text: string,
    where: Audience & { triggerId?: string },
  ) {
    const actor = await this.deps.users.catalogUser(where.slackUserId);
    if (!actor) {
      await this.tell(where, NOT_IN_CATALOG);
      return 'failed' as const;
    }
    const channel =
      where.channelId &&
      (await this.deps.store.incidentForChannel(where.channelId));
    const incident = channel
      ? await this.workflow.incidents.get(channel.incidentId)
      : undefined;
    const outcome = await this.deps.commands.run(text || 'help', {
      actor,
      incident,
      workflow: this.workflow,
      reply: message => this.tell(where, message),
      findUser: mention => {
        const id = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(mention.trim())?.[1];
        return id
          ? this.deps.users.catalogUser(id)
          : Promise.resolve(undefined);
      },
      openReportForm: async () => {
        if (!where.triggerId) {
          await this.tell(
            where,
            `Use \`${this.deps.config.command} report\` to open the report form.`,
          );
          return;
        }
        await this.deps.client.views.open({
          trigger_id: where.triggerId,
          view: reportModal(this.workflow.reports.rubric, {}),
        });
      },
    });
    if (outcome === 'unknown') {
      await this.tell(
        where,
        `I don't know \`${escapeMrkdwn(text.split(/\s+/)[0])}\`. Try \`${
          this.deps.config.command
        } help\`.`,
      );
    }
    return outcome;
  }

  private async handleActions(payload: SlackBlockActions) {
    const audience = {
      slackUserId: payload.user.id,
      channelId: payload.channel?.id ?? payload.container?.channel_id,
    };
    const actor = await this.deps.users.catalogUser(payload.user.id);
    if (!actor) {
      await this.tell(audience, NOT_IN_CATALOG);
      return;
    }
    for (const action of payload.actions) {
      const value = action.value ?? '';
      switch (action.action_id) {
        case ACTIONS.acknowledgeReport:
          await this.asUser(actor, oncallPagePermission, audience, () =>
            this.workflow.onCall.acknowledge(value, actor.userRef),
          );
          break;
        case ACTIONS.startIncident:
          await this.asUser(actor, incidentCreatePermission, audience, () =>
            this.workflow.reports.startIncident(value, actor.userRef),
          );
          break;
        case ACTIONS.resolveIncident:
          await this.asUser(actor, incidentUpdatePermission, audience, () =>
            this.workflow.incidents.transition(
              value,
              'resolved',
              actor.userRef,
            ),
          );
          break;
        case ACTIONS.writePostmortem:
          await this.asUser(
            actor,
            postmortemCreatePermission,
            audience,
            async () => {
              const { postmortem, created } =
                await this.workflow.postmortems.create(value, actor.userRef);
              await this.tell(audience, postmortemReply(postmortem, created));
            },
          );
          break;
        default:
          this.deps.logger.warn(`Unknown Slack action ${action.action_id}`);
      }
    }
  }

  /** Runs `action` when the policy allows the user, else tells them. */
  private async asUser(
    actor: CatalogUser,
    permission: BasicPermission,
    audience: Audience,
    action: () => Promise<unknown>,
  ): Promise<void> {
    if (!(await this.workflow.authorize(actor.userRef, permission))) {
      await this.tell(
        audience,
        `Sorry, you are not allowed to ${permission.name}.`,
      );
      return;
    }
    try {
      await action();
    } catch (error) {
      await this.tell(
        audience,
        `Sorry, that did not work: ${
          isError(error) ? error.message : String(error)
        }`,
      );
    }
  }

  /** Answers one person; a failure to answer is logged, never thrown. */
  private async tell(audience: Audience, text: string): Promise<void> {
    const { client, logger } = this.deps;
    try {
      if (audience.channelId) {
        await client.chat.postEphemeral({
          channel: audience.channelId,
          user: audience.slackUserId,
          text,
        });
      } else {
        await sendDirectMessage(client, audience.slackUserId, { text });
      }
    } catch (error) {
      logger.warn(
        `Could not answer Slack user ${
          audience.slackUserId
        }: ${describeSlackError(error)}`,
      );
    }
  }

  /** The triage channel's message for each report, kept current. */
  async onReportChange({ report, change }: ReportChange): Promise<void> {
    const { triageChannel } = this.deps.config;
    if (!triageChannel) {
      return;
    }
    const { client, store, users } = this.deps;
    const incidentChannel = report.incidentId
      ? await store.channelForIncident(report.incidentId)
      : undefined;
    const message = triageMessage(report, {
      reporter: await users.slackId(report.reportedBy),
      slackIds: await users.slackIds(
        report.pages.flatMap(p => p.targets.map(t => t.userRef ?? '')),
      ),
      reportUrl: this.workflow.urls.report(report.reference),
      incidentUrl: report.incidentReference
        ? this.workflow.urls.incident(report.incidentReference)
        : undefined,
      incidentChannelId: incidentChannel?.channelId,
    });
    const key = reportMessageKey(report.id);
    const posted = await store.getMessage(key);
    if (posted) {
      await client.chat.update({
        channel: posted.channelId,
        ts: posted.ts,
        ...message,
      });
    } else if (change === 'submitted') {
      const result = await client.chat.postMessage({
        channel: triageChannel,
        ...message,
      });
      await store.saveMessage(key, {
        channelId: result.channel!,
        ts: result.ts!,
      });
    } else {
      // The first post has not happened yet; the retry updates it.
      throw new Error(
        `The triage message of ${report.reference} is not posted yet`,
      );
    }
  }

  /** Built-in pages reach the people paged as direct messages. */
  async onPageChange({ page, change }: PageChange): Promise<void> {
    if (page.provider !== 'builtin') {
      return;
    }
    const message = pageMessage(page);
    for (const target of page.targets) {
      const slackId = target.userRef
        ? await this.deps.users.slackId(target.userRef)
        : undefined;
      if (!slackId) {
        continue;
      }
      const key = `page:${page.id}:${slackId}`;
      const posted = await this.deps.store.getMessage(key);
      if (posted) {
        await this.deps.client.chat.update({
          channel: posted.channelId,
          ts: posted.ts,
          ...message,
        });
      } else if (change === 'triggered' || change === 'escalated') {
        await this.deps.store.saveMessage(
          key,
          await sendDirectMessage(this.deps.client, slackId, message),
        );
      }
    }
  }
}
