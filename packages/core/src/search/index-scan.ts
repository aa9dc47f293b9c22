import { keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import { EXECUTION_STATUSES, firstSightings, readEntry, type IndexedExecution } from './execution-index.js';
import { matches } from './match.js';
import type { Condition } from './query.js';

/** The part of the execution index a search reads: the statuses its conditions allow, and its bounds on receive times. */
export interface IndexRange {
  statuses: readonly string[];
  /** Earliest and latest receive time (ISO, inclusive) the conditions allow, if they bound it. */
  from?: string;
  to?: string;
}

/**
 * The range of the index that holds every execution the conditions can match: statuses that pass
 * every condition on `status`, receive times within every bound on `messageReceivedTime`. The
 * conditions are still checked on each entry; the range only leaves out entries that cannot match.
 */
export function indexRange(conditions: Condition[]): IndexRange {
  const on = (field: string) => conditions.filter((c) => c.path.length === 1 && c.path[0] === field);
  const statuses = EXECUTION_STATUSES.filter((status) => on('status').every((c) => matches({ status }, c)));
  let low = -Infinity;
  let high = Infinity;
  for (const { op, value } of on('messageReceivedTime')) {
    const values = ([] as unknown[]).concat(value).filter((v): v is number => typeof v === 'number');
    if (values.length === 0 || op === 'neq' || op === 'nin') continue;
    if (op !== 'lt' && op !== 'lte') low = Math.max(low, Math.min(...values));
    if (op !== 'gt' && op !== 'gte') high = Math.min(high, Math.max(...values));
  }
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : undefined);
  return { statuses, from: iso(low), to: iso(high) };
}

/** Reading no further than needed: entries `accept` refuses are passed over, and each read stops after `enough` accepted ones. */
export interface IndexCut {
  accept: (entry: IndexedExecution) => boolean;
  enough: number;
}

/**
 * The index entries in a range, in chunks of up to `chunk`, for the actors named (their own
 * entries: one ordered read per actor and status) or for the whole tenant (one read per status,
 * every actor's entries). With a `cut`, each read (one status, of the tenant or an actor) ends after
 * `enough` accepted entries, and the entries received at the same time as the last of them: the
 * first `enough` in the search's order (time, then actor, then id) are among those. An execution
 * whose status changed between two reads of a root, one status after another, is given once (`firstSightings`).
 */
export async function* readIndex(store: Store, tenant: string, range: IndexRange, actorIds: string[] | 'tenant', chunk: number, cut?: IndexCut): AsyncIterable<IndexedExecution[]> {
  const roots = actorIds === 'tenant' ? [keys.executionsByStatus(tenant)] : actorIds.map((id) => keys.executionsOfActorByStatus(tenant, id));
  const whole = !cut && range.statuses.length === EXECUTION_STATUSES.length && range.from === undefined && range.to === undefined;
  const reads = roots.flatMap((root) => (whole ? [root] : range.statuses.map((status) => `${root}${status}/`)));
  // a whole root is read in one pass, its statuses in key order (COMPLETE, ERROR, RUNNING, SUBMITTED):
  // an execution moving on from one status to the next is never met twice there
  const unseen = whole ? () => true : firstSightings();
  let entries: IndexedExecution[] = [];
  for (const prefix of reads) {
    let accepted = 0;
    let last: string | undefined;
    for await (const [key] of store.scan(prefix, whole || range.from === undefined ? {} : { after: prefix + range.from })) {
      const entry = readEntry(key);
      if (range.to !== undefined && entry.messageReceivedTime > range.to) break;
      if (!unseen(entry)) continue;
      if (cut) {
        if (!cut.accept(entry)) continue;
        if (accepted >= cut.enough && entry.messageReceivedTime !== last) break;
        accepted++;
        last = entry.messageReceivedTime;
      }
      entries.push(entry);
      if (entries.length === chunk) {
        yield entries;
        entries = [];
      }
    }
  }
  yield entries;
}
