/**
 * Remembers loaded values for a fixed time. The promise is stored, so
 * concurrent loads of one key share a single upstream call; failures are not
 * remembered.
 */
export class TtlCache {
  private readonly entries = new Map<
    string,
    { value: Promise<unknown>; expiresAt: number }
  >();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  getOrLoad<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) {
      return hit.value as Promise<T>;
    }
    this.dropExpired(now);
    const value = load();
    if (this.ttlMs > 0) {
      this.entries.set(key, { value, expiresAt: now + this.ttlMs });
      value.catch(() => {
        if (this.entries.get(key)?.value === value) {
          this.entries.delete(key);
        }
      });
    }
    return value;
  }

  private dropExpired(now: number) {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(key);
      }
    }
  }
}
