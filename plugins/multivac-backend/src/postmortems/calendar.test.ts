import { businessDaysAfter, formatLocalTime, localDate } from './calendar';

describe('businessDaysAfter', () => {
  it('counts Monday to Friday only', () => {
    // 2026-11-27 is a Friday.
    expect(businessDaysAfter('2026-11-27T15:00:00Z', 5, 'UTC')).toBe(
      '2026-12-04',
    );
    expect(businessDaysAfter('2026-11-27T15:00:00Z', 1, 'UTC')).toBe(
      '2026-11-30',
    );
    expect(businessDaysAfter('2026-11-28T10:00:00Z', 5, 'UTC')).toBe(
      '2026-12-04',
    );
    expect(businessDaysAfter('2026-11-23T08:00:00Z', 5, 'UTC')).toBe(
      '2026-11-30',
    );
    expect(businessDaysAfter('2026-11-23T08:00:00Z', 12, 'UTC')).toBe(
      '2026-12-09',
    );
    expect(businessDaysAfter('2026-11-28T10:00:00Z', 0, 'UTC')).toBe(
      '2026-11-28',
    );
  });

  it('takes the day of resolution in the configured zone', () => {
    // Friday 02:00 UTC is still Thursday evening in Los Angeles.
    const resolvedAt = '2026-11-27T02:00:00Z';
    expect(businessDaysAfter(resolvedAt, 5, 'UTC')).toBe('2026-12-04');
    expect(businessDaysAfter(resolvedAt, 5, 'America/Los_Angeles')).toBe(
      '2026-12-03',
    );
  });
});

describe('localDate and formatLocalTime', () => {
  it('read the calendar and the clock where people are', () => {
    const lateFriday = new Date('2026-11-27T23:30:00Z');
    expect(localDate('UTC', lateFriday)).toBe('2026-11-27');
    expect(localDate('Europe/Berlin', lateFriday)).toBe('2026-11-28');
    expect(formatLocalTime('2026-11-27T23:30:00Z', 'UTC')).toBe(
      '2026-11-27 23:30 UTC',
    );
    expect(formatLocalTime('2026-11-27T23:30:00Z', 'Asia/Tokyo')).toBe(
      '2026-11-28 08:30 GMT+9',
    );
    // The zone as people abbreviate it, winter and summer.
    expect(formatLocalTime('2026-11-27T23:30:00Z', 'Europe/Berlin')).toBe(
      '2026-11-28 00:30 CET',
    );
    expect(formatLocalTime('2026-07-01T12:00:00Z', 'Europe/Berlin')).toBe(
      '2026-07-01 14:00 CEST',
    );
  });
});
