import {
  channelLink,
  escapeMrkdwn,
  link,
  mention,
  slackDate,
  unescapeMrkdwn,
} from './mrkdwn';

describe('escapeMrkdwn', () => {
  it('escapes the three characters Slack parses', () => {
    expect(escapeMrkdwn('<!channel> & <script>')).toBe(
      '&lt;!channel&gt; &amp; &lt;script&gt;',
    );
  });

  it('escapes an ampersand of an entity again, so it shows as typed', () => {
    expect(escapeMrkdwn('&lt;')).toBe('&amp;lt;');
  });
});

describe('unescapeMrkdwn', () => {
  it('gives back what was typed, whatever it was', () => {
    for (const typed of ['<!channel> & <script>', '&lt;', '&amp;amp; >']) {
      expect(unescapeMrkdwn(escapeMrkdwn(typed))).toBe(typed);
    }
  });
});

describe('mention and channelLink', () => {
  it('use Slack ids', () => {
    expect(mention('U123')).toBe('<@U123>');
    expect(channelLink('C123')).toBe('<#C123>');
  });
});

describe('link', () => {
  it('escapes the text and the URL', () => {
    expect(link('https://x.example/?a=1&b=2', 'A <b> & C')).toBe(
      '<https://x.example/?a=1&amp;b=2|A &lt;b&gt; &amp; C>',
    );
  });

  it('encodes a | in the URL, which would end it', () => {
    expect(link('https://x.example/a|b', 'x')).toBe(
      '<https://x.example/a%7Cb|x>',
    );
  });
});

describe('slackDate', () => {
  it('lets Slack format the time for each reader, with the UTC time, named, as fallback', () => {
    expect(slackDate('2025-03-05T14:04:00.000Z')).toBe(
      '<!date^1741183440^{date_short_pretty} {time}|Mar 5, 2025, 2:04 PM UTC>',
    );
  });

  it('shows what it cannot parse as text', () => {
    expect(slackDate('<soon>')).toBe('&lt;soon&gt;');
  });
});
