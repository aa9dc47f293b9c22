/**
 * In-process locks by key. A level database is opened by one process only, so serialising the
 * writes of one key inside this process makes its read-modify-write atomic.
 */
export class KeyLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` while holding every key of `keys` (taken in sorted order, so no deadlock). */
  async with<R>(keys: string[], fn: () => Promise<R>): Promise<R> {
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    for (const key of sorted) releases.push(await this.acquire(key));
    try {
      return await fn();
    } finally {
      for (const release of releases) release();
    }
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
