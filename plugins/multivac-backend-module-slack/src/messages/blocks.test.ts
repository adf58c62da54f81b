import { escapeTruncated, joinLines, listText, truncate } from './blocks';

describe('truncate', () => {
  it('keeps short text and cuts long text with an ellipsis', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
  });

  it('does not split an emoji', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });
});

describe('escapeTruncated', () => {
  it('counts the escaped length and never cuts an entity', () => {
    const text = escapeTruncated('&'.repeat(100), 13);
    expect(text).toBe('&amp;&amp;…');
    expect(escapeTruncated('a & b', 20)).toBe('a &amp; b');
  });
});

describe('listText', () => {
  it('lists a few and counts the rest', () => {
    expect(listText([])).toBe('');
    expect(listText(['a'])).toBe('a');
    expect(listText(['a', 'b', 'c'])).toBe('a, b and c');
    expect(listText(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more');
  });
});

describe('joinLines', () => {
  const more = (n: number) => `+${n}`;

  it('joins what fits', () => {
    expect(joinLines(['aa', 'bb'], 10, more)).toBe('aa\nbb');
  });

  it('counts what does not fit, staying within the limit', () => {
    const text = joinLines(['aaaa', 'bbbb', 'cccc', 'dddd'], 12, more);
    expect(text).toBe('aaaa\nbbbb\n+2');
    expect(text.length).toBeLessThanOrEqual(12);
  });
});
