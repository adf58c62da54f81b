/** How a `GroupCommit` batches. */
export interface GroupCommitOptions<T, R> {
  /**
   * Stores `items` in ONE transaction and returns one result per item, in
   * order; it resolves only once that transaction has committed, and
   * rejects when anything in it failed (nothing of it stored).
   */
  commit(items: T[]): Promise<R[]>;
  /** At most this many items per transaction. */
  maxBatch: number;
  /**
   * How long the first item of a batch waits for others while no commit is
   * under way (while one is, items gather until it ends anyway); 0 waits
   * for the rest of the event loop's turn (setImmediate).
   */
  maxWaitMs: number;
  /** At most this many transactions at once. */
  maxInFlight: number;
  /** Told when a batch failed and its items are stored one by one. */
  onSplit?(error: unknown, size: number): void;
}

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit: items submitted at about the same time (concurrent alert
 * deliveries) are stored in one transaction, so that a commit (a disk
 * flush) serves many senders instead of one. Each `submit` resolves only
 * after the transaction holding its item committed, and rejects when that
 * item could not be stored. A batch that fails is stored again one item per
 * transaction, so that one bad item fails alone: its batch-mates are stored
 * (or fail) on their own merits, and none is reported stored when its
 * transaction did not commit.
 */
export class GroupCommit<T, R> {
  private queue: Waiting<T, R>[] = [];
  private inFlight = 0;
  /** Cancels the wait of the first queued item, while it waits. */
  private cancelWait: (() => void) | undefined;
  /** What was committed so far: for tests and benchmarks. */
  readonly stats = { batches: 0, items: 0, largestBatch: 0 };

  constructor(private readonly options: GroupCommitOptions<T, R>) {
    if (options.maxBatch < 1 || options.maxInFlight < 1) {
      throw new Error('GroupCommit needs maxBatch and maxInFlight >= 1');
    }
  }

  /** Resolves with the item's result once it is committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(afterCommit = false) {
    if (this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) {
      return; // the end of a commit under way schedules again
    }
    if (
      this.queue.length >= this.options.maxBatch ||
      this.inFlight > 0 ||
      afterCommit
    ) {
      // Full, or the items waited for a commit already: go now.
      this.flush();
    } else if (!this.cancelWait) {
      const go = () => {
        this.cancelWait = undefined;
        this.flush();
      };
      // A zero wait is the event loop's turn, not a timer: timers can be
      // faked or delayed (and a commit must never wait on a fake clock).
      if (this.options.maxWaitMs === 0) {
        const immediate = setImmediate(go);
        this.cancelWait = () => clearImmediate(immediate);
      } else {
        const timer = setTimeout(go, this.options.maxWaitMs);
        this.cancelWait = () => clearTimeout(timer);
      }
    }
  }

  private flush() {
    this.cancelWait?.();
    this.cancelWait = undefined;
    if (this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) {
      return;
    }
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.inFlight += 1;
    this.run(batch).finally(() => {
      this.inFlight -= 1;
      this.schedule(true);
    });
    if (this.queue.length > 0) {
      this.schedule();
    }
  }

  private async run(batch: Waiting<T, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.commit(batch.map(w => w.item));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      // Nothing of the batch was stored: each item alone, so that only the
      // bad one fails.
      this.options.onSplit?.(error, batch.length);
      await Promise.all(batch.map(w => this.run([w])));
      return;
    }
    this.stats.batches += 1;
    this.stats.items += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    batch.forEach((w, i) => w.resolve(results[i]));
  }

  private async commit(items: T[]): Promise<R[]> {
    const results = await this.options.commit(items);
    if (results.length !== items.length) {
      throw new Error(
        `GroupCommit: ${results.length} results for ${items.length} items`,
      );
    }
    return results;
  }
}
