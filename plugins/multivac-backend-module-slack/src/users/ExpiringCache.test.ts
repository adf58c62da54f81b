import { ExpiringCache } from './ExpiringCache';

describe('ExpiringCache', () => {
  it('forgets an entry once its time is up', () => {
    let now = 1000;
    const cache = new ExpiringCache<string>({
      ttlMs: 500,
      maxEntries: 10,
      now: () => now,
    });
    cache.set('U1', 'ada');
    now += 499;
    expect(cache.get('U1')).toBe('ada');
    now += 1;
    expect(cache.get('U1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest written', () => {
    const cache = new ExpiringCache<number>({ ttlMs: 60_000, maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3); // written again: now the newest
    cache.set('c', 4);

    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(3);
    expect(cache.get('c')).toBe(4);
  });
});
