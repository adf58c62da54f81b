import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  reportCreatePermission,
  ReportRequest,
} from '@multivac/plugin-multivac-common';
import {
  MultivacWorkflow,
  WorkflowClient,
} from '@multivac/plugin-multivac-node';
import { WebClient } from '@slack/web-api';
import {
  escapeMrkdwn,
  parseReportSubmission,
  REPORT_MODAL_CALLBACK_ID,
  reportModal,
} from '../messages';
import {
  SlackViewSubmission,
  SlackViewSubmissionAck,
} from '../transport/types';
import { CatalogUser } from '../users/SlackUsers';
import { entityProblem } from './entityCheck';
import { SlackAnswers } from './SlackAnswers';
import { SlackActors } from './SlackActors';
import { SlackRoute, SlackRouteContext } from './SlackRoutes';

const REPORT = 'slack.report';

/** What the report job submits: the form as it was read while Slack waited. */
interface ReportJob {
  request: ReportRequest;
  slackUserId: string;
  actor: CatalogUser;
}

/**
 * The triage report form in Slack: opens the modal, checks a submission
 * while Slack waits (errors show under the inputs), and submits the report
 * as a durable job, as the catalog user behind the reporter.
 */
export class ReportForm implements WorkflowClient {
  readonly id = 'slack-report-form';
  readonly routes: SlackRoute[];

  constructor(
    private readonly deps: {
      client: WebClient;
      actors: SlackActors;
      answers: SlackAnswers;
      /** To check a report's entity while Slack waits. */
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {
    this.routes = [
      {
        kind: 'view',
        id: REPORT_MODAL_CALLBACK_ID,
        handle: (submission, context) => this.check(submission, context),
      },
    ];
  }

  connect(workflow: MultivacWorkflow): void {
    workflow.jobs.registerHandler(REPORT, job =>
      this.submit(job.payload as unknown as ReportJob, workflow),
    );
  }

  /** Opens the modal; `triggerId` is valid for 3 seconds after the command. */
  async open(triggerId: string, workflow: MultivacWorkflow): Promise<void> {
    await this.deps.client.views.open({
      trigger_id: triggerId,
      view: reportModal(workflow.reports.rubric, {}),
    });
  }

  private async check(
    submission: SlackViewSubmission,
    { workflow, dedupKey, audience }: SlackRouteContext,
  ): Promise<SlackViewSubmissionAck> {
    const parsed = parseReportSubmission(
      submission.view.state.values,
      workflow.reports.rubric,
    );
    if (!parsed.ok) {
      return { response_action: 'errors', errors: parsed.errors };
    }
    const { actors, catalog, auth, logger } = this.deps;
    const [found, entityError] = await Promise.all([
      actors.lookup(audience),
      entityProblem({
        catalog,
        auth,
        logger,
        entity: parsed.entity,
      }),
    ]);
    if (!found.actor) {
      return { response_action: 'errors', errors: { title: found.refusal } };
    }
    if (entityError) {
      return { response_action: 'errors', errors: { entity: entityError } };
    }
    const job: ReportJob = {
      // The form was parsed above; the job only submits what it read.
      request: { ...parsed.request, entityRef: parsed.entity },
      slackUserId: submission.user.id,
      actor: found.actor,
    };
    await workflow.jobs.enqueue({
      type: REPORT,
      idempotencyKey: `${REPORT}:${dedupKey}`,
      payload: { ...job },
      maxAttempts: 1,
    });
    return { response_action: 'clear' };
  }

  private async submit(
    { request, slackUserId, actor }: ReportJob,
    workflow: MultivacWorkflow,
  ): Promise<void> {
    const audience = { slackUserId };
    await this.deps.actors.actAs(
      workflow,
      actor,
      reportCreatePermission,
      audience,
      async () => {
        const report = await workflow.reports.submit(request, actor.userRef);
        await this.deps.answers.tell(
          audience,
          `Thanks, ${report.reference} is reported. ${escapeMrkdwn(
            report.paging,
          )}. Follow it at ${workflow.urls.report(report.reference)}`,
        );
      },
    );
  }
}
