/**
 * Keeps this process's writes of each key in the order they were asked for. Writes go out on
 * several pooled connections, so two writes of one key asked for one after the other could
 * otherwise reach PostgreSQL the other way round. Atomicity across processes comes from
 * PostgreSQL's row locks, not from here.
 *
 * The same as @abaco/core's KeyLock (store/key-lock.ts), which core does not export.
 */
export class KeyOrder {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every earlier call holding one of `keys` is done (keys taken in sorted order, so no deadlock). */
  async with<R>(keys: string[], fn: () => Promise<R>): Promise<R> {
    const releases: (() => void)[] = [];
    for (const key of [...new Set(keys)].sort()) releases.push(await this.acquire(key));
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
