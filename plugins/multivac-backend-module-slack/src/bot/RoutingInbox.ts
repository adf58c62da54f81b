import { LoggerService } from '@backstage/backend-plugin-api';
import {
  MultivacWorkflow,
  WorkflowClient,
} from '@multivac/plugin-multivac-node';
import { escapeMrkdwn } from '../messages';
import {
  SlackAck,
  SlackBlockActions,
  SlackDelivery,
  SlackEvent,
  SlackInbox,
  SlackViewSubmission,
} from '../transport/types';
import { SlackWorkspace } from '../users/SlackUsers';
import { WorkflowHandle } from '../WorkflowHandle';
import { Audience, SlackAnswers } from './SlackAnswers';
import { describeSlackError } from './slackErrors';
import {
  SlackRoute,
  SlackRouteInput,
  SlackRouteKind,
  SlackRoutes,
} from './SlackRoutes';

const DELIVERY = 'slack.delivery';

/** One input of a delivery, as the routes are asked for it. */
interface RouteRequest<K extends SlackRouteKind> {
  kind: K;
  id: string;
  input: SlackRouteInput<K>;
  audience: Audience;
}

/**
 * How a person is told what had no route. Events are only logged: nobody
 * asked for anything.
 */
const UNROUTED: Partial<Record<SlackRouteKind, string>> = {
  command: 'the slash command',
  action: 'the button',
};

/**
 * The bot's inbox: records what Slack sends as durable jobs (once, whichever
 * replica receives it), then hands each command, click and event to its
 * route. Modal submissions are routed at once, so that their errors show
 * under the inputs while Slack waits.
 */
export class RoutingInbox implements SlackInbox, WorkflowClient {
  readonly id = 'slack';
  private readonly workflow = new WorkflowHandle();
  private readonly routes: SlackRoutes;

  constructor(
    private readonly deps: {
      routes: SlackRoute[];
      answers: SlackAnswers;
      logger: LoggerService;
    },
  ) {
    this.routes = new SlackRoutes(deps.routes);
  }

  connect(workflow: MultivacWorkflow): void {
    this.workflow.set(workflow);
    workflow.jobs.registerHandler(DELIVERY, job =>
      this.dispatch(job.payload.delivery as SlackDelivery, workflow),
    );
  }

  async receive(delivery: SlackDelivery): Promise<SlackAck> {
    const workflow = this.workflow.get();
    if (
      delivery.kind === 'interaction' &&
      delivery.payload.type === 'view_submission'
    ) {
      const submission = delivery.payload;
      const route = this.routes.find('view', submission.view.callback_id);
      if (!route) {
        this.deps.logger.info(
          `No route for Slack view ${submission.view.callback_id}`,
        );
        return undefined;
      }
      return route.handle(submission, {
        workflow,
        audience: {
          slackUserId: submission.user.id,
          workspace: interactionWorkspace(submission),
        },
        dedupKey: delivery.dedupKey,
      });
    }
    await workflow.jobs.enqueue({
      type: DELIVERY,
      idempotencyKey: `${DELIVERY}:${delivery.kind}:${delivery.dedupKey}`,
      payload: { delivery },
      // Commands half-run must not run again on their own.
      maxAttempts: 1,
    });
    return undefined;
  }

  private async dispatch(delivery: SlackDelivery, workflow: MultivacWorkflow) {
    for (const request of requestsOf(delivery)) {
      await this.route(request, workflow, delivery.dedupKey);
    }
  }

  /**
   * Runs the route of `request`. Whatever it fails at without answering
   * (e.g. finding the incident of the channel) is told to the person, and
   * fails the job.
   */
  private async route<K extends Exclude<SlackRouteKind, 'view'>>(
    request: RouteRequest<K>,
    workflow: MultivacWorkflow,
    dedupKey: string,
  ): Promise<void> {
    const { answers, logger } = this.deps;
    const { kind, id, audience } = request;
    const route = this.routes.find(kind, id);
    if (!route) {
      logger.warn(`No route for Slack ${kind} ${id}`);
      const what = UNROUTED[kind];
      if (what) {
        await answers.tell(
          audience,
          `Sorry, I do not know ${what} \`${escapeMrkdwn(
            id,
          )}\`, so I did nothing.`,
        );
      }
      return;
    }
    try {
      await route.handle(request.input, { workflow, audience, dedupKey });
    } catch (error) {
      await answers.tell(
        audience,
        `Sorry, something went wrong: ${describeSlackError(error)}`,
      );
      throw error;
    }
  }
}

/**
 * The inputs of a delivery, one per clicked element. Modal submissions are
 * routed on receipt, other interactions (shortcuts, closed modals) are not
 * handled, and neither are events no person sent (bot messages).
 */
function requestsOf(
  delivery: SlackDelivery,
): RouteRequest<Exclude<SlackRouteKind, 'view'>>[] {
  if (delivery.kind === 'command') {
    const { command } = delivery;
    return [
      {
        kind: 'command',
        id: command.command,
        input: command,
        audience: {
          slackUserId: command.user_id,
          channelId: command.channel_id,
          responseUrl: command.response_url,
          workspace: {
            teamId: command.team_id,
            enterpriseId: command.enterprise_id || undefined,
          },
        },
      },
    ];
  }
  if (delivery.kind === 'event') {
    const found = eventAudience(delivery.event);
    const audience = found && {
      ...found,
      workspace: {
        teamId: delivery.teamId,
        enterpriseId: delivery.enterpriseId,
      },
    };
    return audience
      ? [
          {
            kind: 'event',
            id: delivery.event.type,
            input: delivery.event,
            audience,
          },
        ]
      : [];
  }
  const { payload } = delivery;
  if (payload.type !== 'block_actions') {
    return [];
  }
  const audience = {
    slackUserId: payload.user.id,
    channelId: payload.channel?.id ?? payload.container?.channel_id,
    workspace: interactionWorkspace(payload),
    responseUrl: payload.response_url,
  };
  return payload.actions.map(action => ({
    kind: 'action',
    id: action.action_id,
    input: { action, payload },
    audience,
  }));
}

/** Where an interaction happened: the team it came from, else the user's. */
function interactionWorkspace(
  payload: SlackBlockActions | SlackViewSubmission,
): SlackWorkspace {
  return {
    teamId: payload.team?.id ?? payload.user.team_id,
    enterpriseId: payload.enterprise?.id,
  };
}

/** Who sent an event, and the channel it happened in. */
function eventAudience(event: SlackEvent): Audience | undefined {
  if (event.type === 'reaction_added') {
    return { slackUserId: event.user, channelId: event.item.channel };
  }
  if (event.type === 'pin_added') {
    return {
      slackUserId: event.user,
      channelId: event.item.channel ?? event.channel_id,
    };
  }
  return event.user
    ? { slackUserId: event.user, channelId: event.channel }
    : undefined;
}
