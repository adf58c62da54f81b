import { ACTIONS } from './actions';
import {
  allText,
  buttonsOf,
  KEN,
  page,
  SLACK_IDS,
  GRACE,
} from './__testUtils__/fixtures';
import { pageMessage } from './pageMessage';

describe('pageMessage', () => {
  it('pages with the link and an Acknowledge button while triggered', () => {
    const message = pageMessage(
      page({
        status: 'triggered',
        summary: 'SEV1 <payments> down',
        details: { link: 'http://portal/multivac/reports/RPT-1' },
      }),
    );
    expect(message.text).toContain('You are paged');
    expect(message.text).toContain('SEV1 &lt;payments&gt; down');
    expect(allText(message.blocks)).toContain(
      'http://portal/multivac/reports/RPT-1',
    );
    expect(buttonsOf(message.blocks).map(b => b.action_id)).toEqual([
      ACTIONS.acknowledgeReport,
    ]);
  });

  it('says who acknowledged, without a button', () => {
    const message = pageMessage(
      page({
        status: 'acknowledged',
        acknowledgedBy: 'Grace Hopper in PagerDuty',
      }),
    );
    expect(message.text).toMatch(
      /is acknowledged by Grace Hopper in PagerDuty\.$/,
    );
    expect(buttonsOf(message.blocks)).toEqual([]);
  });

  it('names who acknowledged by mention or display name, never by ref', () => {
    const acknowledged = (by: string) =>
      pageMessage(page({ status: 'acknowledged', acknowledgedBy: by }), {
        slackIds: SLACK_IDS,
        names: { [KEN]: 'Ken Thompson' },
      }).text;
    expect(acknowledged(GRACE)).toMatch(/is acknowledged by <@U0GRACE>\.$/);
    expect(acknowledged(KEN)).toMatch(/is acknowledged by Ken Thompson\.$/);
    expect(
      pageMessage(
        page({
          status: 'acknowledged',
          acknowledgedBy: 'user:default/alan.turing',
        }),
      ).text,
    ).toMatch(/is acknowledged by alan\.turing\.$/);
  });
});
