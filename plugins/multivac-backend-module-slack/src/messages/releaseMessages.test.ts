import { release } from './__testUtils__/fixtures';
import { releaseHeadsUp, releaseLine, releaseWindow } from './releaseMessages';

const URL = 'http://portal.example/multivac/releases/REL-12';
const utc = { timeZone: 'UTC', now: new Date('2026-11-24T09:00:00Z') };

describe('releaseWindow', () => {
  it('names today, tomorrow and yesterday, and other days by date', () => {
    const window = (start: string, end: string) =>
      releaseWindow({ start, end }, utc);

    expect(window('2026-11-24T14:00:00Z', '2026-11-24T14:30:00Z')).toBe(
      'today 14:00–14:30 UTC',
    );
    expect(window('2026-11-25T08:00:00Z', '2026-11-25T09:00:00Z')).toBe(
      'tomorrow 08:00–09:00 UTC',
    );
    expect(window('2026-11-23T22:00:00Z', '2026-11-23T23:00:00Z')).toBe(
      'yesterday 22:00–23:00 UTC',
    );
    expect(window('2026-11-27T23:30:00Z', '2026-11-28T00:30:00Z')).toBe(
      'Fri 27 Nov 23:30–Sat 28 Nov 00:30 UTC',
    );
  });

  it('reads times in the calendar’s zone', () => {
    expect(
      releaseWindow(
        { start: '2026-11-24T23:30:00Z', end: '2026-11-25T00:30:00Z' },
        { timeZone: 'Europe/Berlin', now: utc.now },
      ),
    ).toBe('tomorrow 00:30–01:30 Europe/Berlin');
  });
});

describe('releaseLine', () => {
  it('links the reference and says why the release matters', () => {
    expect(
      releaseLine(
        {
          release: release({ status: 'in_progress' }),
          reason: 'payments-api depends on ledger-service',
        },
        URL,
        utc,
      ),
    ).toBe(
      `• <${URL}|REL-12> ledger-service v2.4.1, today 14:00–14:30 UTC (in progress) — payments-api depends on ledger-service`,
    );
    expect(releaseLine({ release: release({ title: 'a<b' }) }, URL, utc)).toBe(
      `• <${URL}|REL-12> ledger-service a&lt;b, today 14:00–14:30 UTC`,
    );
  });
});

describe('releaseHeadsUp', () => {
  it('says what releases when, and every reason up to three', () => {
    const reasons = [
      'payments-api depends on ledger-service',
      'refunds depends on ledger-service',
      'checkout depends on payments-api, which depends on ledger-service',
      'billing depends on ledger-service',
    ];

    expect(
      releaseHeadsUp(release(), 'scheduled', reasons.slice(0, 1), URL, utc),
    ).toBe(
      `:calendar: Heads up: ledger-service v2.4.1 releases to production today 14:00–14:30 UTC; payments-api depends on ledger-service. <${URL}|REL-12>`,
    );
    expect(releaseHeadsUp(release(), 'starting', reasons, URL, utc)).toBe(
      `:rocket: Heads up: ledger-service v2.4.1 is releasing to production now (today 14:00–14:30 UTC); payments-api depends on ledger-service; refunds depends on ledger-service; checkout depends on payments-api, which depends on ledger-service (+ 1 more). <${URL}|REL-12>`,
    );
    expect(
      releaseHeadsUp(release(), 'rolled_back', reasons.slice(0, 1), URL, utc),
    ).toBe(
      `:rewind: ledger-service v2.4.1 was rolled back in production; payments-api depends on ledger-service. <${URL}|REL-12>`,
    );
  });
});
