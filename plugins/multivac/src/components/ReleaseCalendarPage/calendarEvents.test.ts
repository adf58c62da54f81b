import { aRelease } from '../../__testUtils__/fixtures';
import { eventStyle, toReleaseEvent, visibleRange } from './calendarEvents';

describe('calendar events', () => {
  it('covers whole Monday-first weeks in the month view', () => {
    const { from, to } = visibleRange(new Date(2026, 10, 24, 12), 'month');
    expect(new Date(from)).toEqual(new Date(2026, 9, 26)); // Monday 26 Oct
    expect(new Date(to).getTime()).toBe(new Date(2026, 11, 7).getTime() - 1);
    const day = visibleRange(new Date(2026, 10, 24, 12), 'day');
    expect(new Date(day.from)).toEqual(new Date(2026, 10, 24));
  });

  it('marks releases forced past conflicts and those outside production', () => {
    const forced = aRelease({
      environment: 'staging',
      forced: {
        reason: 'hotfix',
        by: 'user:default/ada.lovelace',
        at: '2026-11-23T10:00:00.000Z',
        conflicts: [
          { kind: 'freeze', sentence: 'Black Friday freeze', blocking: true },
        ],
      },
    });
    expect(toReleaseEvent(forced)).toMatchObject({
      title: '⚠ payments-api v2.4.1 · staging',
      tooltip:
        'REL-1: payments-api v2.4.1 (staging, planned)\nForced: hotfix\n⚠ Black Friday freeze',
      conflicts: ['Black Friday freeze'],
    });
    expect(toReleaseEvent(aRelease()).conflicts).toEqual([]);
    expect(eventStyle(forced, 'production')).toMatchObject({
      borderLeft: '6px solid #d50000',
      opacity: 0.7,
    });
    expect(eventStyle(aRelease(), 'production')).toMatchObject({
      borderLeft: undefined,
      opacity: 1,
      backgroundColor: '#1565c0',
    });
  });

  it('marks releases with conflicts as they stand now, warnings included', () => {
    const warned = aRelease({
      conflicts: [
        {
          kind: 'dependent',
          sentence:
            'payments-api depends on ledger-service, which releases 14:00–14:30, overlapping by 20 minutes',
          blocking: false,
        },
      ],
    });
    expect(toReleaseEvent(warned)).toMatchObject({
      title: '⚠ payments-api v2.4.1 · production',
      tooltip:
        'REL-1: payments-api v2.4.1 (production, planned)\n⚠ payments-api depends on ledger-service, which releases 14:00–14:30, overlapping by 20 minutes',
    });
    expect(eventStyle(warned, 'production')).toMatchObject({
      borderLeft: '6px solid #d50000',
    });
  });
});
