import {
  DEFAULT_SEVERITY_RUBRIC,
  ReportRequest,
} from '@multivac/plugin-multivac-common';
import { entity } from '@multivac/plugin-multivac-node/testUtils';
import { FakeSlack } from '../__testUtils__/fakeSlack';
import {
  ADA,
  GRACE,
  startSlackBot,
  startTeamSlack,
  teamCatalog,
} from '../__testUtils__/slackBot';
import {
  reportModalValues,
  viewSubmission,
} from '../__testUtils__/slackPayloads';
import { REPORT_MODAL_CALLBACK_ID } from '../messages';
import { report } from '../messages/__testUtils__/fixtures';
import { toInteractionDelivery } from '../transport/deliveries';
import { SlackInteractionDelivery } from '../transport/types';

describe('ReportForm', () => {
  let fake: FakeSlack;

  beforeEach(async () => {
    fake = await startTeamSlack();
  });
  afterEach(() => fake.close());

  /** The bot, and the reports it submitted. */
  async function bot() {
    const submitted: Array<{ request: ReportRequest; reporter: string }> = [];
    const started = await startSlackBot({
      fake,
      entities: [...teamCatalog, entity('Component', 'payments-api')],
      workflow: {
        reports: {
          rubric: DEFAULT_SEVERITY_RUBRIC,
          submit: async (request: ReportRequest, reporter: string) => {
            submitted.push({ request, reporter });
            return report();
          },
        },
      },
    });
    return { ...started, submitted };
  }

  const submit = (userId: string, triggerId: string) =>
    toInteractionDelivery(
      viewSubmission({
        user: { id: userId },
        trigger_id: triggerId,
        view: {
          id: 'V1',
          hash: 'h1',
          callback_id: REPORT_MODAL_CALLBACK_ID,
          state: { values: reportModalValues() },
        },
      }),
    ) as SlackInteractionDelivery;

  it('submits a report once, as the reporter, and thanks them in a direct message', async () => {
    const { bot: slackBot, runJobs, submitted, close } = await bot();

    expect(await slackBot.inbox.receive(submit(ADA, 'T-1'))).toEqual({
      response_action: 'clear',
    });
    expect(await slackBot.inbox.receive(submit(ADA, 'T-1'))).toEqual({
      response_action: 'clear',
    });
    expect(await runJobs()).toEqual([]);

    expect(submitted).toEqual([
      {
        request: expect.objectContaining({
          title: 'Card payments fail',
          entityRef: 'payments-api',
        }),
        reporter: 'user:default/ada.lovelace',
      },
    ]);
    expect(fake.messages(fake.channel(`dm-${ADA}`)!.id)).toEqual([
      expect.objectContaining({
        text: expect.stringMatching(
          /^Thanks, RPT-3 is reported\. .* Follow it at http:\/\/portal\.example\/multivac\/reports\/RPT-3$/,
        ),
      }),
    ]);
    await close();
  });

  it("shows under the title that the reporter could not be looked up, when Slack's users.info does not answer", async () => {
    const { bot: slackBot, enqueued, close } = await bot();
    fake.failNext('users.info', 'fatal_error');

    expect(await slackBot.inbox.receive(submit(GRACE, 'T-2'))).toEqual({
      response_action: 'errors',
      errors: {
        title:
          'Sorry, I could not find out who you are in Backstage (Slack answered `fatal_error`), so I did nothing. Try again in a moment.',
      },
    });
    expect(enqueued()).toEqual([]);
    await close();
  });
});
