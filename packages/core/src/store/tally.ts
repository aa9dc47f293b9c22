import { keys } from './keys.js';
import type { BatchOp, Counts, Store } from './store.js';

export type { Counts } from './store.js';

/**
 * Counters kept in the store: a change is an `add` write (see BatchOp) that goes in the same atomic
 * batch as the records it counts, so counts and records never disagree, even across a crash, and
 * reading a tally is reading one record, however many things it counts.
 */
export class Tally {
  constructor(private readonly store: Store) {}

  /** The write that adds `delta` to the tally `name` (no write when it changes nothing). */
  static deltaOps(name: string, delta: Counts): BatchOp[] {
    const changed = Object.entries(delta).filter(([, n]) => n !== 0);
    return changed.length === 0 ? [] : [{ type: 'add', key: keys.tally(name), value: Object.fromEntries(changed) }];
  }

  /** The counts of `name`, every change written so far included. */
  async read(name: string): Promise<Counts> {
    return (await this.store.get<Counts>(keys.tally(name))) ?? {};
  }

  /** Removes a tally. */
  async clear(name: string): Promise<void> {
    await this.store.batch([{ type: 'del', key: keys.tally(name) }]);
  }
}
