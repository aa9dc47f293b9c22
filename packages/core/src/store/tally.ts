import { randomBytes } from 'node:crypto';
import { keys } from './keys.js';
import { UNCHANGED, WithWrites, type BatchOp, type Store } from './store.js';

/** Named numbers: what a tally holds. */
export type Counts = Record<string, number>;

/** The most journal entries one fold removes (a read folds until none is left). */
const FOLD = 5000;
/** Tells this process's journal entries from every other's. */
const PROCESS = randomBytes(6).toString('hex');
let written = 0;

/**
 * Counters kept in the store without a read-modify-write at each change: a change is a journal
 * entry (`deltaOp`), a blind put that goes in the same atomic batch as the records it counts, so
 * counts and records never disagree, even across a crash. `read` folds the journal into the
 * tally's record (one atomic update that also removes the entries it added) and answers the sum:
 * its work is bounded by the changes since the last read, never by how many things were counted.
 */
export class Tally {
  constructor(private readonly store: Store) {}

  /** The write that adds `delta` to the tally `name` (no write when it changes nothing). */
  static deltaOps(name: string, delta: Counts): BatchOp[] {
    const changed = Object.entries(delta).filter(([, n]) => n !== 0);
    if (changed.length === 0) return [];
    return [{ type: 'put', key: `${keys.tallyJournal(name)}${PROCESS}-${(written++).toString(36)}`, value: Object.fromEntries(changed) }];
  }

  /** The counts of `name`, every change written so far included. */
  async read(name: string): Promise<Counts> {
    for (;;) {
      let more = false;
      const counts = await this.store.update<Counts>(keys.tally(name), async (counts) => {
        const sum = { ...counts };
        const removed: BatchOp[] = [];
        for await (const [key, delta] of this.store.scan<Counts>(keys.tallyJournal(name), { limit: FOLD })) {
          for (const [field, n] of Object.entries(delta)) sum[field] = (sum[field] ?? 0) + n;
          removed.push({ type: 'del', key });
        }
        more = removed.length === FOLD;
        return removed.length > 0 ? new WithWrites(sum, removed) : UNCHANGED;
      });
      if (!more) return counts ?? {};
    }
  }

  /** Removes a tally and its journal. */
  async clear(name: string): Promise<void> {
    await this.store.clear(keys.tallyJournal(name));
    await this.store.batch([{ type: 'del', key: keys.tally(name) }]);
  }
}
