import { mockServices } from '@backstage/backend-test-utils';
import { WebClient } from '@slack/web-api';
import { FakeSlack } from '../__testUtils__/fakeSlack';
import { fakeWorkflow } from '../__testUtils__/fakeWorkflow';
import { ADA, startTeamSlack } from '../__testUtils__/slackBot';
import {
  blockActions,
  eventCallback,
  reactionAdded,
  slashCommand,
  viewSubmission,
} from '../__testUtils__/slackPayloads';
import {
  toCommandDelivery,
  toEventDelivery,
  toInteractionDelivery,
} from '../transport/deliveries';
import { SlackDelivery } from '../transport/types';
import { RoutingInbox } from './RoutingInbox';
import { SlackAnswers } from './SlackAnswers';
import { ResponseUrls } from './ResponseUrls';
import { SlackRoute, SlackRouteContext } from './SlackRoutes';

const delivery = (parsed: unknown) => parsed as SlackDelivery;

describe('RoutingInbox', () => {
  let fake: FakeSlack;
  let channel: string;

  beforeEach(async () => {
    fake = await startTeamSlack(['incidents']);
    channel = fake.channel('incidents')!.id;
  });
  afterEach(() => fake.close());

  /** An inbox with `routes`, connected unless told otherwise. */
  function inbox(routes: SlackRoute[], connected = true) {
    const logger = mockServices.logger.mock();
    const client = new WebClient(fake.botToken, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
    });
    const routing = new RoutingInbox({
      routes,
      answers: new SlackAnswers({
        client,
        responseUrls: new ResponseUrls({ hooksUrl: fake.hooksUrl, logger }),
        logger,
      }),
      logger,
    });
    const { workflow, runJobs } = fakeWorkflow();
    if (connected) {
      routing.connect(workflow);
    }
    return { inbox: routing, workflow, runJobs, logger };
  }

  /** A route of `kind` and `id` that records what it handled. */
  function recording(kind: 'command' | 'action' | 'event', id: string) {
    const handled: Array<{ input: unknown; context: SlackRouteContext }> = [];
    const route = {
      kind,
      id,
      handle: async (input: unknown, context: SlackRouteContext) => {
        handled.push({ input, context });
      },
    } as SlackRoute;
    return { route, handled };
  }

  const command = (overrides: Record<string, string> = {}) =>
    toCommandDelivery(
      slashCommand({
        text: 'help',
        user_id: ADA,
        channel_id: channel,
        ...overrides,
      }),
    );

  it('answers 503 until the multivac plugin has handed it the workflow', async () => {
    const { inbox: notConnected } = inbox([], false);

    await expect(notConnected.receive(command())).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'The multivac plugin has not started yet',
    });
  });

  it('records commands, clicks and events once, then hands each to its route with who sent it', async () => {
    const slash = recording('command', '/multivac');
    const button = recording('action', 'multivac.report.acknowledge');
    const reaction = recording('event', 'reaction_added');
    const { inbox: routing, runJobs } = inbox([
      slash.route,
      button.route,
      reaction.route,
    ]);

    await routing.receive(command());
    await routing.receive(command());
    await routing.receive(
      delivery(
        toInteractionDelivery(
          blockActions({
            user: { id: ADA },
            channel: { id: channel },
            actions: [
              {
                type: 'button',
                action_id: 'multivac.report.acknowledge',
                block_id: 'actions',
                value: 'page-1',
                action_ts: '1.1',
              },
            ],
          }),
        ),
      ),
    );
    await routing.receive(
      delivery(
        toEventDelivery(
          eventCallback(
            reactionAdded({
              user: ADA,
              item: { type: 'message', channel, ts: '1.2' },
            }),
          ),
        ),
      ),
    );
    expect(await runJobs()).toEqual([]);

    expect(slash.handled).toEqual([
      {
        input: expect.objectContaining({ command: '/multivac', text: 'help' }),
        context: expect.objectContaining({
          audience: {
            slackUserId: ADA,
            channelId: channel,
            workspace: { teamId: 'T0001' },
            // Answers go there first.
            responseUrl: 'https://hooks.slack.com/commands/T0001/1234/abcd',
          },
          dedupKey: '13345224609.738474920.8088930838d88f008e0',
        }),
      },
    ]);
    expect(button.handled).toEqual([
      {
        input: expect.objectContaining({
          action: expect.objectContaining({ value: 'page-1' }),
        }),
        context: expect.objectContaining({
          audience: {
            slackUserId: ADA,
            channelId: channel,
            workspace: { teamId: 'T0001' },
            responseUrl: 'https://hooks.slack.com/actions/T0001/1234/abcd',
          },
        }),
      },
    ]);
    expect(reaction.handled).toEqual([
      {
        input: expect.objectContaining({ type: 'reaction_added' }),
        context: expect.objectContaining({
          audience: {
            slackUserId: ADA,
            channelId: channel,
            workspace: { teamId: 'T0001' },
          },
        }),
      },
    ]);
  });

  it('routes a modal submission while Slack waits, and answers with its ack', async () => {
    const route: SlackRoute = {
      kind: 'view',
      id: 'declare-incident',
      handle: async (_submission, { audience }) => ({
        response_action: 'errors',
        errors: { summary: `${audience.slackUserId}, say more` },
      }),
    };
    const { inbox: routing, runJobs } = inbox([route]);

    const ack = await routing.receive(
      delivery(toInteractionDelivery(viewSubmission({ user: { id: ADA } }))),
    );
    const unrouted = await routing.receive(
      delivery(
        toInteractionDelivery(
          viewSubmission({
            view: { ...viewSubmission().view, callback_id: 'other' },
          }),
        ),
      ),
    );

    expect(ack).toEqual({
      response_action: 'errors',
      errors: { summary: 'U0ADA, say more' },
    });
    expect(unrouted).toBeUndefined();
    expect(await runJobs()).toEqual([]);
  });

  it('tells the person when their slash command or button has no route', async () => {
    const { inbox: routing, runJobs, logger } = inbox([]);

    await routing.receive(command({ command: '/incident' }));
    await routing.receive(
      delivery(
        toInteractionDelivery(
          blockActions({ user: { id: ADA }, channel: { id: channel } }),
        ),
      ),
    );
    expect(await runJobs()).toEqual([]);

    expect(fake.ephemerals(channel).map(e => [e.user, e.text])).toEqual([
      [
        ADA,
        'Sorry, I do not know the slash command `/incident`, so I did nothing.',
      ],
      [ADA, 'Sorry, I do not know the button `acknowledge`, so I did nothing.'],
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      'No route for Slack action acknowledge',
    );
  });

  it('tells the person what failed when a route fails without answering, and fails the job', async () => {
    const { inbox: routing, runJobs } = inbox([
      {
        kind: 'command',
        id: '/multivac',
        handle: async () => {
          throw new Error('the database is gone');
        },
      },
    ]);

    await routing.receive(command());

    expect(await runJobs()).toEqual(['slack.delivery: the database is gone']);
    expect(fake.ephemerals(channel)).toEqual([
      expect.objectContaining({
        user: ADA,
        text: 'Sorry, something went wrong: the database is gone',
      }),
    ]);
  });

  it('does not route what no person sent', async () => {
    const message = recording('event', 'message');
    const { inbox: routing, runJobs } = inbox([message.route]);

    await routing.receive(
      delivery(
        toEventDelivery(
          eventCallback({
            type: 'message',
            subtype: 'bot_message',
            bot_id: 'B0OTHER',
            text: 'deploy finished',
            ts: '1.4',
            channel,
          }),
        ),
      ),
    );
    expect(await runJobs()).toEqual([]);

    expect(message.handled).toEqual([]);
  });
});
