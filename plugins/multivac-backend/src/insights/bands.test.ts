import { bandOf, localMoment, validTimeZone } from './bands';

describe('interruption bands', () => {
  it('are exclusive: sleep wins on weekend nights', () => {
    // Monday
    expect(bandOf(1, 7)).toBe('sleep');
    expect(bandOf(1, 8)).toBe('business');
    expect(bandOf(1, 17)).toBe('business');
    expect(bandOf(1, 18)).toBe('evening');
    expect(bandOf(1, 21)).toBe('evening');
    expect(bandOf(1, 22)).toBe('sleep');
    // Friday night, Saturday, Sunday night
    expect(bandOf(5, 23)).toBe('sleep');
    expect(bandOf(6, 3)).toBe('sleep');
    expect(bandOf(6, 8)).toBe('weekend');
    expect(bandOf(6, 19)).toBe('weekend');
    expect(bandOf(7, 21)).toBe('weekend');
    expect(bandOf(7, 22)).toBe('sleep');
  });

  it("uses the person's zone with its daylight saving time", () => {
    // 2026-03-29 is the day Berlin moves to summer time (UTC+2 from 01:00 UTC).
    expect(localMoment('2026-03-29T00:30:00Z', 'Europe/Berlin')).toEqual({
      timeZone: 'Europe/Berlin',
      weekday: 7,
      hour: 1,
      band: 'sleep',
    });
    expect(localMoment('2026-03-29T06:30:00Z', 'Europe/Berlin')).toMatchObject({
      hour: 8,
      band: 'weekend',
    });
    // The same instant is a weekday evening in New York.
    expect(
      localMoment('2026-03-27T22:30:00Z', 'America/New_York'),
    ).toMatchObject({ weekday: 5, hour: 18, band: 'evening' });
    expect(localMoment('2026-03-27T22:30:00Z', 'Asia/Tokyo')).toMatchObject({
      weekday: 6,
      hour: 7,
      band: 'sleep',
    });
  });

  it('accepts only IANA zones', () => {
    expect(validTimeZone('Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(validTimeZone('Mars/Olympus')).toBeUndefined();
    expect(validTimeZone(undefined)).toBeUndefined();
  });
});
