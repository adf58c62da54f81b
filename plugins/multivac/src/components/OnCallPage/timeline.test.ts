import { layoutTimeline, personColor, timelineDays } from './timeline';

const FROM = Date.parse('2026-11-23T10:00:00Z');
const TO = Date.parse('2026-11-30T10:00:00Z');
const HOUR = 3600_000;

const shift = (name: string, start: string, end: string) => ({
  person: { name },
  start,
  end,
});

describe('layoutTimeline', () => {
  it('clips shifts to the window, sorts them and fills the gaps', () => {
    const segments = layoutTimeline(
      [
        shift('B', '2026-11-26T10:00:00Z', '2026-12-03T10:00:00Z'),
        shift('A', '2026-11-20T10:00:00Z', '2026-11-24T10:00:00Z'),
        shift('Z', '2026-12-05T10:00:00Z', '2026-12-06T10:00:00Z'),
      ],
      FROM,
      TO,
    );
    expect(
      segments.map(s => [
        s.kind === 'shift' ? s.shift.person.name : 'gap',
        (s.end - s.start) / HOUR,
        Math.round(s.left * 1000) / 1000,
      ]),
    ).toEqual([
      ['A', 24, 0],
      ['gap', 48, 14.286],
      ['B', 96, 42.857],
    ]);
    expect(segments.reduce((sum, s) => sum + s.width, 0)).toBeCloseTo(100);
  });

  it('is one gap when nobody is on call', () => {
    expect(layoutTimeline([], FROM, TO)).toEqual([
      { kind: 'gap', start: FROM, end: TO, left: 0, width: 100 },
    ]);
  });
});

describe('timelineDays', () => {
  it('covers the window with local days', () => {
    const days = timelineDays(FROM, TO);
    expect(days.length).toBeGreaterThanOrEqual(7);
    expect(days.length).toBeLessThanOrEqual(8);
    expect(days[0].left).toBe(0);
    expect(days.reduce((sum, d) => sum + d.width, 0)).toBeCloseTo(100);
    expect(days[1].startsInWindow).toBe(true);
    expect(days[1].label).toMatch(/^[A-Z][a-z]{2} \d{1,2}$/);
  });
});

describe('personColor', () => {
  it('is stable per person and prefers the catalog ref', () => {
    expect(personColor({ name: 'Grace Hopper' })).toBe(
      personColor({ name: 'Grace Hopper' }),
    );
    expect(personColor({ userRef: 'user:default/grace', name: 'Grace' })).toBe(
      personColor({ userRef: 'user:default/grace', name: 'G. Hopper' }),
    );
    expect(personColor({ name: 'Grace Hopper' })).not.toBe(
      personColor({ name: 'Alan Turing' }),
    );
  });
});
