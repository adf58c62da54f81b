import { Settings } from 'luxon';
import {
  formatDateTime,
  formatTimeOfDay,
  formatWithScheduleTime,
  zoneAbbreviation,
} from './formatTime';

describe('formatTime', () => {
  const saved = { zone: Settings.defaultZone, locale: Settings.defaultLocale };
  const viewIn = (zone: string) => {
    Settings.defaultZone = zone;
  };
  beforeEach(() => {
    Settings.defaultLocale = 'en-US';
  });
  afterEach(() => {
    Settings.defaultZone = saved.zone;
    Settings.defaultLocale = saved.locale;
  });

  const WINTER = '2026-12-07T07:00:00.000Z';
  const SUMMER = '2026-07-07T07:00:00.000Z';

  it('names the zone by the abbreviation people use, summer and winter', () => {
    expect(zoneAbbreviation(WINTER, 'Europe/Berlin')).toBe('CET');
    expect(zoneAbbreviation(SUMMER, 'Europe/Berlin')).toBe('CEST');
    expect(zoneAbbreviation(WINTER, 'America/New_York')).toBe('EST');
    expect(zoneAbbreviation(SUMMER, 'Europe/London')).toBe('BST');
    expect(zoneAbbreviation(WINTER, 'UTC')).toBe('UTC');
    // no abbreviation in use: the offset
    expect(zoneAbbreviation(WINTER, 'Asia/Tokyo')).toBe('GMT+9');
  });

  it("shows a time in the viewer's zone with the zone named", () => {
    viewIn('Europe/Berlin');
    expect(formatDateTime(WINTER)).toBe('Dec 7, 2026, 8:00 AM CET');
    expect(formatDateTime(Date.parse(SUMMER))).toBe(
      'Jul 7, 2026, 9:00 AM CEST',
    );
    viewIn('UTC');
    expect(formatDateTime(WINTER)).toBe('Dec 7, 2026, 7:00 AM UTC');
    expect(formatDateTime(new Date(WINTER), { seconds: true })).toBe(
      'Dec 7, 2026, 7:00:00 AM UTC',
    );
  });

  it('shows a time in a given zone', () => {
    viewIn('UTC');
    expect(formatDateTime(WINTER, { zone: 'America/New_York' })).toBe(
      'Dec 7, 2026, 2:00 AM EST',
    );
    expect(formatTimeOfDay(WINTER, 'Europe/Berlin')).toBe('8:00 AM CET');
  });

  it("adds the schedule's time where its clock differs from the viewer's", () => {
    viewIn('UTC');
    expect(formatWithScheduleTime(WINTER, 'Europe/Berlin')).toBe(
      'Dec 7, 2026, 7:00 AM UTC (8:00 AM CET schedule time)',
    );
    // another day there: the date too
    expect(
      formatWithScheduleTime('2026-12-07T23:30:00.000Z', 'Europe/Berlin'),
    ).toBe(
      'Dec 7, 2026, 11:30 PM UTC (Dec 8, 2026, 12:30 AM CET schedule time)',
    );
    viewIn('Europe/Berlin');
    expect(formatWithScheduleTime(WINTER, 'Europe/Berlin')).toBe(
      'Dec 7, 2026, 8:00 AM CET',
    );
  });

  it('shows times for a reader whose zone is not the runtime (the shell)', () => {
    viewIn('UTC');
    Settings.defaultLocale = 'de-DE';
    expect(
      formatDateTime(WINTER, { zone: 'Europe/Berlin', locale: 'en-US' }),
    ).toBe('Dec 7, 2026, 8:00 AM CET');
    expect(
      formatDateTime(WINTER, {
        zone: 'America/New_York',
        locale: 'en-US',
        seconds: true,
      }),
    ).toBe('Dec 7, 2026, 2:00:00 AM EST');
    expect(
      formatWithScheduleTime(WINTER, 'Europe/Berlin', {
        zone: 'America/New_York',
        locale: 'en-US',
      }),
    ).toBe('Dec 7, 2026, 2:00 AM EST (8:00 AM CET schedule time)');
    expect(
      formatWithScheduleTime(WINTER, 'Europe/Berlin', {
        zone: 'Europe/Berlin',
        locale: 'en-US',
      }),
    ).toBe('Dec 7, 2026, 8:00 AM CET');
  });
});
