import { ReportCard } from '@multivac/plugin-multivac-common';
import { reportCardLines } from './ReportCardService';

const none = { n: 0, mean: null, p50: null, p90: null };

/** A week of a team, written out by hand; each test changes a part. */
function figures(
  changes: Partial<ReportCard['figures']> = {},
): ReportCard['figures'] {
  return {
    team: {
      count: 4,
      mtta: { n: 4, mean: 450, p50: 400, p90: 600 },
      mttr: { n: 3, mean: 3600, p50: 3000, p90: 5000 },
      mobilise: none,
    },
    companyMedian: { mtta: 300, mttr: 7200 },
    bySeverity: [
      { severity: 'SEV1', count: 0 },
      { severity: 'SEV2', count: 1 },
      { severity: 'SEV3', count: 3 },
      { severity: 'SEV4', count: 0 },
    ],
    interruptions: { total: 9, business: 5, evening: 1, sleep: 2, weekend: 1 },
    onCallLoad: {
      bursts: 1,
      badNights: 2,
      people: [
        {
          userRef: 'user:default/ada',
          name: 'Ada Lovelace',
          bursts: 1,
          badNights: 2,
        },
        {
          userRef: 'user:default/grace',
          name: 'Grace',
          bursts: 0,
          badNights: 0,
        },
      ],
    },
    postmortems: {
      due: 4,
      onTime: 1,
      late: ['PM-2'],
      overdue: ['PM-4', 'PM-7', 'PM-9'],
    },
    actionItemsOverdue: [
      { postmortem: 'PM-4', title: 'Rotate keys', dueDate: '2026-03-02' },
    ],
    changeFailure: { releases: 8, failed: 2, rate: 0.25 },
    readiness: {
      components: 3,
      withoutOnCall: ['component:default/ledger'],
      withoutSlackChannel: [],
      onCallPeople: 2,
      withoutPhone: ['user:default/grace.hopper'],
    },
    ...changes,
  };
}

const extra = {
  actionItemsOverdue: 3,
  failedReleases: [
    { text: 'REL-3 of payments-api (INC-7)' },
    { text: 'REL-5 of ledger (rolled back)' },
  ],
};

describe('reportCardLines', () => {
  it('gives every line a verdict, a summary and the reason with numbers and names', () => {
    expect(reportCardLines(figures(), extra)).toEqual([
      {
        id: 'mtta',
        title: 'MTTA',
        verdict: 'attention',
        summary: 'Slower than the company',
        reason:
          'MTTA 7 minutes 30 seconds against a company median of 5 minutes',
      },
      {
        id: 'mttr',
        title: 'MTTR',
        verdict: 'good',
        summary: 'As fast as the company or faster',
        reason: 'MTTR 1 hour against a company median of 2 hours',
      },
      {
        id: 'incidents',
        title: 'Incidents by severity',
        verdict: 'attention',
        summary: '1 serious incident (SEV1 or SEV2)',
        reason: '1 SEV2, 3 SEV3',
      },
      {
        id: 'interruptions',
        title: 'Interruptions',
        verdict: 'attention',
        summary: 'Someone was woken up',
        reason:
          '9 interruptions: 5 in business hours, 1 in the evening, 2 in sleep hours (22:00–08:00), 1 at the weekend',
      },
      {
        id: 'onCallLoad',
        title: 'Bursts and bad nights',
        verdict: 'bad',
        summary: 'Someone had several bad nights',
        reason: '1 burst and 2 bad nights: Ada Lovelace 2 bad nights, 1 burst',
      },
      {
        id: 'postmortems',
        title: 'Post-mortems',
        verdict: 'bad',
        summary: 'Post-mortems are overdue',
        reason: '3 post-mortems overdue: PM-4, PM-7, PM-9',
      },
      {
        id: 'actionItems',
        title: 'Action items',
        verdict: 'bad',
        summary: 'Action items are overdue',
        reason:
          '3 action items overdue: "Rotate keys" (PM-4, due 2026-03-02) and 2 more',
      },
      {
        id: 'changeFailure',
        title: 'Change failure rate',
        verdict: 'attention',
        summary: 'Some releases fail',
        reason:
          '2 of 8 releases failed (25%): REL-3 of payments-api (INC-7), REL-5 of ledger (rolled back)',
      },
      {
        id: 'readiness',
        title: 'Readiness',
        verdict: 'bad',
        summary: 'Not ready to be paged',
        reason:
          '1 Component without an on-call route: ledger; 1 on-call person without a phone: grace.hopper',
      },
    ]);
  });

  it('says good, or that there is nothing to judge, in words', () => {
    const lines = reportCardLines(
      figures({
        team: {
          count: 0,
          mtta: none,
          mttr: { n: 1, mean: 3600, p50: 3600, p90: 3600 },
          mobilise: none,
        },
        companyMedian: { mtta: null, mttr: 1800 },
        bySeverity: [],
        interruptions: {
          total: 0,
          business: 0,
          evening: 0,
          sleep: 0,
          weekend: 0,
        },
        onCallLoad: { bursts: 0, badNights: 0, people: [] },
        postmortems: { due: 2, onTime: 1, late: ['PM-3'], overdue: [] },
        actionItemsOverdue: [],
        changeFailure: { releases: 10, failed: 1, rate: 0.1 },
        readiness: {
          components: 2,
          withoutOnCall: [],
          withoutSlackChannel: [],
          onCallPeople: 3,
          withoutPhone: [],
        },
      }),
      {
        actionItemsOverdue: 0,
        failedReleases: [{ text: 'REL-9 of cart (INC-2)' }],
      },
    );
    expect(lines.map(l => [l.id, l.verdict, l.reason])).toEqual([
      ['mtta', 'none', 'No acknowledged pages in the period'],
      ['mttr', 'bad', 'MTTR 1 hour against a company median of 30 minutes'],
      ['incidents', 'good', 'No incidents in the period'],
      [
        'interruptions',
        'good',
        '0 interruptions: 0 in business hours, 0 in the evening, 0 in sleep hours (22:00–08:00), 0 at the weekend',
      ],
      [
        'onCallLoad',
        'good',
        "No burst (3 or more interruptions within 60 minutes) and no bad night (2 or more in sleep hours) on the team's schedules",
      ],
      ['postmortems', 'attention', '1 of 2 on time; late: PM-3'],
      ['actionItems', 'good', 'No open action item is past its due date'],
      [
        'changeFailure',
        'good',
        '1 of 10 releases failed (10%): REL-9 of cart (INC-2)',
      ],
      [
        'readiness',
        'good',
        'All 2 Components have an on-call route and a Slack channel, and all 3 on-call people have a phone',
      ],
    ]);
    const noLoad = reportCardLines(
      figures({
        onCallLoad: undefined,
        changeFailure: { releases: 0, failed: 0, rate: null },
      }),
      extra,
    );
    expect(noLoad.map(l => l.id)).not.toContain('onCallLoad');
    expect(noLoad.find(l => l.id === 'changeFailure')).toMatchObject({
      verdict: 'none',
      summary: 'No production releases',
    });
  });
});
