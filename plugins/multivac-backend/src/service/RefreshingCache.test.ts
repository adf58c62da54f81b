import { RefreshingCache } from './RefreshingCache';

describe('RefreshingCache', () => {
  let now: number;
  let loads: string[];
  let version: number;
  const loader = (key: string) => () => {
    loads.push(key);
    return Promise.resolve(`${key}@${version}`);
  };
  const cache = (maxEntries = 10) =>
    new RefreshingCache<string>({
      ttlMs: 60_000,
      refreshAfterMs: 15_000,
      maxEntries,
      now: () => now,
    });
  const settle = () => new Promise(resolve => setImmediate(resolve));

  beforeEach(() => {
    now = 0;
    loads = [];
    version = 1;
  });

  it('loads a key once and serves it from memory', async () => {
    const c = cache();
    const answers = await Promise.all(
      Array.from({ length: 16 }, () => c.get('a', loader('a'))),
    );
    now = 14_999;
    answers.push(await c.get('a', loader('a')));
    expect(new Set(answers)).toEqual(new Set(['a@1']));
    expect(loads).toEqual(['a']);
  });

  it('serves a stale value while it is read again in the background, once', async () => {
    const c = cache();
    await c.get('a', loader('a'));
    version = 2;
    now = 15_000;
    // Stale: answered at once with what it had, one reload started.
    const stale = [c.get('a', loader('a')), c.get('a', loader('a'))];
    expect(await Promise.all(stale)).toEqual(['a@1', 'a@1']);
    expect(loads).toEqual(['a', 'a']);
    await settle();
    expect(await c.get('a', loader('a'))).toBe('a@2');
    expect(loads).toEqual(['a', 'a']);
  });

  it('never serves a value older than the TTL', async () => {
    const c = cache();
    await c.get('a', loader('a'));
    version = 2;
    now = 60_000;
    expect(await c.get('a', loader('a'))).toBe('a@2');
    expect(loads).toEqual(['a', 'a']);
  });

  it('keeps at most maxEntries, the least recently used going first', async () => {
    const c = cache(2);
    await c.get('a', loader('a'));
    await c.get('b', loader('b'));
    await c.get('a', loader('a')); // a is now the most recently used
    await c.get('c', loader('c'));
    expect(c.size).toBe(2);
    await c.get('a', loader('a'));
    expect(loads).toEqual(['a', 'b', 'c']);
    await c.get('b', loader('b'));
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('does not keep failures; a failed background read keeps the old value until the TTL', async () => {
    const errors: string[] = [];
    const c = new RefreshingCache<string>({
      ttlMs: 60_000,
      refreshAfterMs: 15_000,
      maxEntries: 10,
      now: () => now,
      onRefreshError: (key, error) => errors.push(`${key}: ${error}`),
    });
    const failing = () => Promise.reject(new Error('catalog down'));
    await expect(c.get('a', failing)).rejects.toThrow('catalog down');
    expect(await c.get('a', loader('a'))).toBe('a@1');

    now = 20_000;
    expect(await c.get('a', failing)).toBe('a@1');
    await settle();
    expect(errors).toEqual(['a: Error: catalog down']);
    // Tried again on the next stale read, and still served meanwhile.
    version = 2;
    expect(await c.get('a', loader('a'))).toBe('a@1');
    await settle();
    expect(await c.get('a', loader('a'))).toBe('a@2');
  });
});
