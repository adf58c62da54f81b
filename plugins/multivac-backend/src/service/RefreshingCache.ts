/**
 * Values by key, loaded once and then served from memory: a value older
 * than `refreshAfterMs` is still served while it is loaded again in the
 * background (one reload at a time per key); one older than `ttlMs` is
 * never served, the caller waits for a fresh load. At most `maxEntries`
 * are kept, the least recently used go first. Concurrent loads of a key
 * share one promise; failed loads are not kept (a failed background reload
 * leaves the old value until its TTL).
 */
export class RefreshingCache<V> {
  readonly #entries = new Map<
    string,
    { value: Promise<V>; loadedAt: number; refreshing: boolean }
  >();

  constructor(
    private readonly options: {
      ttlMs: number;
      refreshAfterMs: number;
      maxEntries: number;
      now?: () => number;
      /** Told about a background reload that failed. */
      onRefreshError?: (key: string, error: unknown) => void;
    },
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = (this.options.now ?? Date.now)();
    const entry = this.#entries.get(key);
    if (entry && now - entry.loadedAt < this.options.ttlMs) {
      // Most recently used last.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      if (
        now - entry.loadedAt >= this.options.refreshAfterMs &&
        !entry.refreshing
      ) {
        this.#refresh(key, entry, load, now);
      }
      return entry.value;
    }
    const value = load();
    this.#store(key, { value, loadedAt: now, refreshing: false });
    return value;
  }

  #refresh(
    key: string,
    entry: { value: Promise<V>; loadedAt: number; refreshing: boolean },
    load: () => Promise<V>,
    now: number,
  ) {
    entry.refreshing = true;
    const value = load();
    value.then(
      () => {
        if (this.#entries.get(key) === entry) {
          this.#entries.set(key, { value, loadedAt: now, refreshing: false });
        }
      },
      error => {
        entry.refreshing = false;
        this.options.onRefreshError?.(key, error);
      },
    );
  }

  #store(
    key: string,
    entry: { value: Promise<V>; loadedAt: number; refreshing: boolean },
  ) {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    entry.value.catch(() => {
      if (this.#entries.get(key) === entry) {
        this.#entries.delete(key);
      }
    });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.options.maxEntries) {
        break;
      }
      this.#entries.delete(oldest);
    }
  }
}
