import {
  PostmortemActionItem,
  PostmortemReview,
} from '@multivac/plugin-multivac-common';
import { StoredPostmortem } from './PostmortemStore';
import { isOverdue, presentPostmortem, presentSummary } from './present';

const stored: StoredPostmortem = {
  id: 'pm-id',
  reference: 'PM-7',
  incidentId: 'incident-id',
  incidentReference: 'INC-7',
  title: 'Post-mortem: Card payments fail',
  severity: 'SEV2',
  status: 'draft',
  ownerRef: 'user:default/ada.lovelace',
  reviewerRefs: [],
  dueDate: '2026-12-04',
  createdBy: 'user:default/ada.lovelace',
  createdAt: '2026-11-27T16:05:00.000Z',
  updatedAt: '2026-11-27T16:05:00.000Z',
  publishedAt: undefined,
  publishedBy: undefined,
  tracking: undefined,
  facts: {
    incidentTitle: 'Card payments fail',
    startedAt: '2026-11-27T14:55:00.000Z',
    resolvedAt: '2026-11-27T16:00:00.000Z',
    durationMs: 65 * 60_000,
    duration: '1 hour 5 minutes',
    participantRefs: [],
    entityRefs: [],
    impact: '',
    timeline: [],
  },
  sections: [{ id: 'summary', title: 'Summary', text: '' }],
  approvals: [],
  history: [
    {
      id: '1',
      type: 'created',
      actor: 'user:default/ada.lovelace',
      at: '2026-11-27T16:05:00.000Z',
    },
  ],
};

const review: PostmortemReview = {
  requiredSections: ['summary'],
  actionItemsRequired: false,
  missing: ['Summary'],
  approvals: [],
  blockers: ['the required section Summary is empty'],
};

const view = {
  today: '2026-11-30',
  urls: {
    postmortem: (ref: string) => `http://portal/multivac/postmortems/${ref}`,
    incident: (ref: string) => `http://portal/multivac/incidents/${ref}`,
  },
};

describe('isOverdue', () => {
  it('is past the due date and not published', () => {
    const at = (dueDate: string, status = 'draft' as const) =>
      isOverdue({ dueDate, status }, '2026-11-30');
    expect(at('2026-11-29')).toBe(true);
    expect(at('2026-11-30')).toBe(false);
    expect(at('2026-12-01')).toBe(false);
    expect(
      isOverdue({ dueDate: '2026-11-01', status: 'in_review' }, '2026-11-30'),
    ).toBe(true);
    expect(
      isOverdue({ dueDate: '2026-11-01', status: 'published' }, '2026-11-30'),
    ).toBe(false);
  });
});

describe('presentPostmortem', () => {
  it('adds whether it is overdue, its links, action items and review, in the API order', () => {
    const items = [{ id: 'item' } as PostmortemActionItem];
    const postmortem = presentPostmortem(
      { ...stored, dueDate: '2026-11-20' },
      items,
      review,
      view,
    );
    const { approvals, ...rest } = stored;
    expect(postmortem).toEqual({
      ...rest,
      review,
      dueDate: '2026-11-20',
      overdue: true,
      url: 'http://portal/multivac/postmortems/PM-7',
      incidentUrl: 'http://portal/multivac/incidents/INC-7',
      actionItems: items,
    });
    // The order of the JSON the API has always returned.
    expect(Object.keys(postmortem)).toEqual([
      'id',
      'reference',
      'incidentId',
      'incidentReference',
      'title',
      'severity',
      'status',
      'ownerRef',
      'reviewerRefs',
      'dueDate',
      'overdue',
      'url',
      'incidentUrl',
      'createdBy',
      'createdAt',
      'updatedAt',
      'publishedAt',
      'publishedBy',
      'tracking',
      'facts',
      'sections',
      'actionItems',
      'review',
      'history',
    ]);
  });

  it('summarises without facts, sections and items', () => {
    // Without facts and sections, as the store lists them.
    const { facts, sections, approvals, history, ...summary } = stored;
    expect(presentSummary(summary, view)).toEqual({
      ...summary,
      overdue: false,
      url: 'http://portal/multivac/postmortems/PM-7',
      incidentUrl: 'http://portal/multivac/incidents/INC-7',
    });
  });
});
