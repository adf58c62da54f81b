import {
  allowedTransitions,
  formatIncidentReference,
  isReopen,
  parseIncidentReference,
} from './incidents';

describe('allowedTransitions', () => {
  it('allows moving and skipping forward, and cancelling, from triggered', () => {
    expect(allowedTransitions('triggered')).toEqual([
      'acknowledged',
      'investigating',
      'identified',
      'monitoring',
      'resolved',
      'cancelled',
    ]);
  });

  it('refuses moving backward', () => {
    expect(allowedTransitions('investigating')).not.toContain('acknowledged');
    expect(allowedTransitions('investigating')).not.toContain('investigating');
    expect(allowedTransitions('monitoring')).toEqual(['resolved', 'cancelled']);
  });

  it('lets a resolved incident be reopened into any active state only', () => {
    expect(allowedTransitions('resolved')).toEqual([
      'triggered',
      'acknowledged',
      'investigating',
      'identified',
      'monitoring',
    ]);
    expect(isReopen('resolved', 'investigating')).toBe(true);
    expect(isReopen('identified', 'monitoring')).toBe(false);
  });

  it('treats cancelled as final', () => {
    expect(allowedTransitions('cancelled')).toEqual([]);
  });
});

describe('incident references', () => {
  it('round-trips INC numbers, case-insensitively', () => {
    expect(formatIncidentReference(7)).toBe('INC-7');
    expect(parseIncidentReference('INC-7')).toBe(7);
    expect(parseIncidentReference('inc-42')).toBe(42);
    expect(parseIncidentReference('7')).toBeUndefined();
    expect(parseIncidentReference('INC-')).toBeUndefined();
  });
});
