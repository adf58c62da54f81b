import { escapeMrkdwn, link, mention, slackDate } from '../messages';
import { mentionedSlackIds, mrkdwnToPlainText } from './plainText';

describe('mrkdwnToPlainText', () => {
  it('writes links as text (url)', () => {
    expect(
      mrkdwnToPlainText(
        `Follow it at ${link('https://portal.example/r?a=1&b=2', 'RPT-3')}`,
      ),
    ).toBe('Follow it at RPT-3 (https://portal.example/r?a=1&b=2)');
  });

  it('writes a bare link, or one whose text is its URL, once', () => {
    expect(
      mrkdwnToPlainText(
        '<https://portal.example/x> and <https://portal.example/y|https://portal.example/y>',
      ),
    ).toBe('https://portal.example/x and https://portal.example/y');
  });

  it('names mentioned people, else keeps their label or id', () => {
    const names = new Map([['U0ADA', 'Ada Lovelace']]);

    expect(
      mrkdwnToPlainText(
        `${mention('U0ADA')}, <@U0GRACE|grace> and ${mention('U0KEN')}`,
        { names },
      ),
    ).toBe('Ada Lovelace, grace and @U0KEN');
  });

  it('unescapes what escapeMrkdwn escaped, outside and inside links', () => {
    const text = 'Tom & Jerry <script> a > b';

    expect(mrkdwnToPlainText(escapeMrkdwn(text))).toBe(text);
    expect(mrkdwnToPlainText(link('https://x.example/', text))).toBe(
      `${text} (https://x.example/)`,
    );
    expect(mrkdwnToPlainText('&amp;lt;')).toBe('&lt;');
  });

  it('writes channels, broadcasts and dates readably', () => {
    expect(
      mrkdwnToPlainText(
        `<#C0INC|inc-7-payments> <#C0TEAM> <!here> <!subteam^S1|@payments> ${slackDate(
          '2026-03-05T14:03:00.000Z',
        )}`,
      ),
    ).toBe('#inc-7-payments #C0TEAM @here @payments Mar 5, 2026, 2:03 PM UTC');
  });

  it("writes dates in the reader's zone with the zone named, summer and winter", () => {
    const text = `from ${slackDate('2026-12-07T08:00:00.000Z')} to ${slackDate(
      '2026-07-07T17:59:47.591Z',
    )}`;
    expect(mrkdwnToPlainText(text, { timeZone: 'Europe/Berlin' })).toBe(
      'from Dec 7, 2026, 9:00 AM CET to Jul 7, 2026, 7:59 PM CEST',
    );
    expect(mrkdwnToPlainText(text, { timeZone: 'America/New_York' })).toBe(
      'from Dec 7, 2026, 3:00 AM EST to Jul 7, 2026, 1:59 PM EDT',
    );
  });

  it('keeps formatting, code and lone angle brackets as they are', () => {
    expect(mrkdwnToPlainText('*INC-3: down* `sev 2` <> a < b')).toBe(
      '*INC-3: down* `sev 2` <> a < b',
    );
  });
});

describe('mentionedSlackIds', () => {
  it('lists each mentioned user once', () => {
    expect(
      mentionedSlackIds(
        '<@U1> and <@U2|bob>, again <@U1>; not <#C1> or <!here>',
      ),
    ).toEqual(['U1', 'U2']);
  });
});
