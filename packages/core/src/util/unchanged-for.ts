/**
 * How long each of a set of watched values has stayed the same, by this process's own clock: the
 * leader's watch of the other nodes' heartbeats and of lease expiries. Values written by other hosts
 * (or the database) are only compared with themselves, never with this clock, so a skew between
 * clocks is never taken for a value that stopped changing. A look goes in rounds: what a round does
 * not look at is forgotten.
 */
export class UnchangedFor<V> {
  private seen = new Map<string, { value: V; since: number }>();

  /** Starts a round at `now`; its function records one look at `key` and answers how long (ms) its value has been the one seen. */
  round(now: number): (key: string, value: V) => number {
    const before = this.seen;
    this.seen = new Map();
    return (key, value) => {
      const last = before.get(key);
      const watched = last && last.value === value ? last : { value, since: now };
      this.seen.set(key, watched);
      return now - watched.since;
    };
  }

  /** The value last seen for `key`. */
  value(key: string): V | undefined {
    return this.seen.get(key)?.value;
  }

  /** Forgets `key`, or everything: the next look starts watching afresh. */
  forget(key?: string): void {
    if (key === undefined) this.seen.clear();
    else this.seen.delete(key);
  }
}
