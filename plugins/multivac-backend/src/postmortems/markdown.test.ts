import { actorName, Postmortem } from '@multivac/plugin-multivac-common';
import { postmortemMarkdown } from './markdown';

/** Display names, as the catalog gives them. */
const NAMES: Record<string, string> = {
  'user:default/ada.lovelace': 'Ada Lovelace',
  'user:default/grace.hopper': 'Grace Hopper',
  'user:default/ken.thompson': 'Ken Thompson',
};
const nameOf = (ref: string) => NAMES[ref] ?? actorName(ref);

const postmortem: Postmortem = {
  id: 'b7d0',
  reference: 'PM-7',
  incidentId: 'a1c9',
  incidentReference: 'INC-7',
  title: 'Post-mortem: Card | payments\nfail',
  severity: 'SEV2',
  status: 'in_review',
  ownerRef: 'user:default/grace.hopper',
  reviewerRefs: ['user:default/ken.thompson', 'user:default/ada.lovelace'],
  dueDate: '2026-12-04',
  overdue: true,
  url: 'http://portal/multivac/postmortems/PM-7',
  incidentUrl: 'http://portal/multivac/incidents/INC-7',
  createdBy: 'user:default/ada.lovelace',
  createdAt: '2026-11-27T16:05:00.000Z',
  updatedAt: '2026-11-30T10:00:00.000Z',
  tracking: {
    state: 'done',
    attempts: 1,
    key: 'OPS-1',
    url: 'https://jira.example/browse/OPS-1',
    status: 'In Review',
  },
  facts: {
    incidentTitle: 'Card | payments\nfail',
    startedAt: '2026-11-27T14:55:00.000Z',
    resolvedAt: '2026-11-27T16:00:00.000Z',
    durationMs: 3_900_000,
    duration: '1 hour 5 minutes',
    controllerRef: 'user:default/grace.hopper',
    participantRefs: [
      'user:default/ada.lovelace',
      'user:default/grace.hopper',
      'user:default/ken.thompson',
    ],
    entityRefs: ['component:default/payments-api'],
    impact: '- Users affected: 101–1,000 users',
    report: {
      reference: 'RPT-3',
      reportedBy: 'user:default/grace.hopper',
      usersAffected: 'hundreds',
      scope: 'global',
      customerFacing: true,
    },
    timeline: [
      {
        at: '2026-11-27T14:55:00.000Z',
        source: 'incident',
        actor: 'user:default/ada.lovelace',
        text: 'declared the incident (SEV2) on payments-api',
      },
      {
        at: '2026-11-27T15:10:00.000Z',
        source: 'page',
        text: 'page (Payments primary): acknowledged by Ken in PagerDuty',
      },
      {
        at: '2026-11-27T15:20:00.000Z',
        source: 'incident',
        actor: 'user:default/ken.thompson',
        text: 'noted: Rolled back | release 42\n## not a heading',
      },
      {
        at: '2026-11-27T15:30:00.000Z',
        source: 'incident',
        actor: 'service:multivac',
        text: 'handed controller over from user:default/ada.lovelace to user:default/grace.hopper',
      },
    ],
  },
  sections: [
    {
      id: 'summary',
      title: 'Summary',
      text: 'Visa payments **failed**.\n\n| a | b |\n| - | - |\n| 1 | 2 |',
    },
    {
      id: 'trigger',
      title: 'Trigger\nline',
      hint: 'What set it off',
      text: '',
    },
  ],
  actionItems: [
    {
      id: 'i1',
      postmortemId: 'b7d0',
      title: 'Alert on | declines',
      ownerRef: 'user:default/ken.thompson',
      dueDate: '2026-12-11',
      status: 'open',
      createdBy: 'user:default/ada.lovelace',
      createdAt: '2026-11-30T10:00:00.000Z',
      updatedAt: '2026-11-30T10:00:00.000Z',
      tracking: { state: 'failed', attempts: 2, error: 'Jira is down' },
    },
    {
      id: 'i2',
      postmortemId: 'b7d0',
      title: 'Load test',
      status: 'done',
      createdBy: 'user:default/ada.lovelace',
      createdAt: '2026-11-30T10:00:00.000Z',
      updatedAt: '2026-11-30T10:00:00.000Z',
    },
  ],
};

describe('postmortemMarkdown', () => {
  it('writes the facts, the sections as written, action items and the timeline', () => {
    expect(postmortemMarkdown(postmortem, 'Europe/Berlin', nameOf)).toBe(
      [
        '# Post-mortem: Card | payments fail',
        '',
        '| Fact | |',
        '| --- | --- |',
        '| Incident | [INC-7](http://portal/multivac/incidents/INC-7) Card \\| payments fail |',
        '| Status | In review |',
        '| Severity | SEV2 |',
        '| Started | 2026-11-27 15:55 CET |',
        '| Resolved | 2026-11-27 17:00 CET |',
        '| Duration | 1 hour 5 minutes |',
        '| Controller | Grace Hopper |',
        '| Participants | Ada Lovelace, Grace Hopper, Ken Thompson |',
        '| Affected | payments-api |',
        '| Triage report | RPT-3 by Grace Hopper |',
        '| Owner | Grace Hopper |',
        '| Reviewers | Ken Thompson, Ada Lovelace |',
        '| Due | 2026-12-04 (overdue) |',
        '| Tracking issue | [OPS-1](https://jira.example/browse/OPS-1) (In Review) |',
        '',
        '## Summary',
        '',
        'Visa payments **failed**.',
        '',
        '| a | b |',
        '| - | - |',
        '| 1 | 2 |',
        '',
        '## Trigger line',
        '',
        '_Not written yet._',
        '',
        '## Action items',
        '',
        '| Action | Owner | Due | Status | Issue |',
        '| --- | --- | --- | --- | --- |',
        '| Alert on \\| declines | Ken Thompson | 2026-12-11 | open | not filed yet (failed) |',
        '| Load test |  |  | done |  |',
        '',
        '## Timeline',
        '',
        '| Time | Who | What |',
        '| --- | --- | --- |',
        '| 2026-11-27 15:55 CET | Ada Lovelace | declared the incident (SEV2) on payments-api |',
        '| 2026-11-27 16:10 CET |  | page (Payments primary): acknowledged by Ken in PagerDuty |',
        '| 2026-11-27 16:20 CET | Ken Thompson | noted: Rolled back \\| release 42 ## not a heading |',
        '| 2026-11-27 16:30 CET | Multivac | handed controller over from Ada Lovelace to Grace Hopper |',
        '',
        '[Open in Multivac](http://portal/multivac/postmortems/PM-7)',
        '',
      ].join('\n'),
    );
  });

  it('keeps links whole whatever their text and address hold', () => {
    const text = postmortemMarkdown(
      {
        ...postmortem,
        status: 'published',
        overdue: false,
        publishedAt: '2026-12-01T09:00:00.000Z',
        publishedBy: 'user:default/ken.thompson',
        url: 'http://portal/multivac/postmortems/PM-7 (draft)',
        tracking: {
          state: 'done',
          attempts: 1,
          key: 'OPS-[1]',
          url: 'https://jira.example/browse/OPS-1',
        },
      },
      'UTC',
      nameOf,
    );
    expect(text).toContain('| Status | Published |');
    expect(text).toContain('| Due | 2026-12-04 |');
    expect(text).toContain(
      '| Published | 2026-12-01 09:00 UTC by Ken Thompson |',
    );
    expect(text).toContain(
      '| Tracking issue | [OPS-\\[1\\]](https://jira.example/browse/OPS-1) |',
    );
    expect(text).toContain(
      '[Open in Multivac](http://portal/multivac/postmortems/PM-7%20%28draft%29)',
    );
  });
});
