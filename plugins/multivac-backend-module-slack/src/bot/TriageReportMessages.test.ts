import { ReportChange } from '@multivac/plugin-multivac-node';
import { FakeSlack, FakeSlackMessage } from '../__testUtils__/fakeSlack';
import {
  ADA,
  GRACE,
  startSlackBot,
  startTeamSlack,
} from '../__testUtils__/slackBot';
import { ACTIONS } from '../messages';
import { page, report } from '../messages/__testUtils__/fixtures';

const allText = (message: FakeSlackMessage) =>
  `${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}`;

describe('TriageReportMessages', () => {
  let fake: FakeSlack;
  let triage: string;

  beforeEach(async () => {
    fake = await startTeamSlack(['triage']);
    triage = fake.channel('triage')!.id;
  });
  afterEach(() => fake.close());

  const change = (
    kind: ReportChange['change'],
    overrides: Parameters<typeof report>[0] = {},
  ): ReportChange => ({
    report: report(overrides),
    change: kind,
    deliveryId: `job-${kind}`,
    attempt: 1,
  });

  it('posts each report once, tagging the reporter and whoever is paged, and keeps it current', async () => {
    const { bot, close } = await startSlackBot({
      fake,
      config: { triageChannel: triage },
    });
    const messages = bot.triageReportMessages;

    await messages.onReportChange(change('submitted'));
    // A retried delivery updates the message it posted.
    await messages.onReportChange(change('submitted'));
    const [posted] = fake.messages(triage);
    expect(fake.messages(triage)).toHaveLength(1);
    expect(allText(posted)).toContain(`Hi <@${ADA}>`);
    expect(allText(posted)).toContain(`<@${GRACE}>`);
    expect(allText(posted)).toContain('+49 30 1001');
    expect(allText(posted)).toContain(ACTIONS.acknowledgeReport);
    expect(allText(posted)).toContain(
      'http://portal.example/multivac/reports/RPT-3',
    );

    await messages.onReportChange(
      change('acknowledged', {
        status: 'acknowledged',
        pages: [
          page({ status: 'acknowledged', acknowledgedBy: 'Grace Hopper' }),
        ],
      }),
    );
    expect(fake.messages(triage)).toHaveLength(1);
    expect(allText(fake.messages(triage)[0])).toContain(
      'acknowledged by Grace Hopper',
    );
    await close();
  });

  it('fails a change that comes before the first post, so that its retry updates the post', async () => {
    const { bot, close } = await startSlackBot({
      fake,
      config: { triageChannel: triage },
    });

    await expect(
      bot.triageReportMessages.onReportChange(change('paged')),
    ).rejects.toThrow('The triage message of RPT-3 is not posted yet');
    expect(fake.messages(triage)).toEqual([]);
    await close();
  });

  it('posts nothing without a triage channel', async () => {
    const { bot, close } = await startSlackBot({ fake });

    await bot.triageReportMessages.onReportChange(change('submitted'));

    expect(fake.callsTo('chat.postMessage')).toEqual([]);
    await close();
  });
});
