interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: work on one key done for many callers at once. The items of a key that come in
 * the same turn of the event loop go together in one write; those that come while that write is
 * in flight wait and go together in the next one (at most `maxGroup` per write). Each caller's promise settles when the write holding its item
 * has. When a write of several items fails, each is tried again alone, so that one bad item fails
 * only its own caller. Writes of one key never overlap, and keep the order the items came in.
 */
export class GroupCommit<T> {
  private readonly queued = new Map<string, Pending<T>[]>();

  constructor(
    private readonly write: (key: string, items: T[]) => Promise<void>,
    private readonly maxGroup = 1000,
  ) {}

  /** Adds an item for `key`; resolves once a write that holds it has succeeded. */
  submit(key: string, item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiting = this.queued.get(key);
      if (waiting) return void waiting.push({ item, resolve, reject });
      this.queued.set(key, [{ item, resolve, reject }]);
      setImmediate(() => void this.drain(key));
    });
  }

  /** Writes the items of a key group after group until none is left; while it runs, the key's queue exists. */
  private async drain(key: string): Promise<void> {
    const waiting = this.queued.get(key)!;
    while (waiting.length > 0) {
      const group = waiting.splice(0, this.maxGroup);
      try {
        await this.write(key, group.map((p) => p.item));
        for (const p of group) p.resolve();
      } catch (e) {
        if (group.length === 1) group[0]!.reject(e);
        else for (const p of group) await this.write(key, [p.item]).then(p.resolve, p.reject);
      }
    }
    this.queued.delete(key);
  }
}
