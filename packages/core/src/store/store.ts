/** Named numbers: what a counter record holds. */
export type Counts = Record<string, number>;

/**
 * One write of a batch: put a JSON value under a key, delete the key, or add numbers to a counter
 * record (each field of `value` added to the record's field of that name, missing ones counting 0;
 * no record yet is an empty one). Adds to one record are serialised by the store, never lost, so
 * counters need no read-modify-write by their callers and go in the same batch as what they count.
 * A counter record is written by adds only, or deleted by a batch that writes nothing else.
 */
export type BatchOp = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string } | { type: 'add'; key: string; value: Counts };

/** `counts` with `delta` added. */
export function addCounts(counts: Counts | undefined, delta: Counts): Counts {
  const sum: Counts = { ...counts };
  addInPlace(sum, delta);
  return sum;
}

/**
 * The writes of a batch as one per key, in the order of each key's first write, with the effect
 * of the batch applied in order: the last put or delete of a key wins; adds after a put or delete
 * fold into it (a delete followed by adds puts their sum); adds alone fold into one add.
 */
export function finalWrites(ops: BatchOp[]): BatchOp[] {
  const last = new Map<string, BatchOp>();
  // The sums made here, added to in place by the adds that follow (a group of messages adds to the same counters once each).
  const sums = new Set<Counts>();
  for (const op of ops) {
    const before = last.get(op.key);
    if (op.type !== 'add' || !before) {
      last.set(op.key, op);
    } else if (before.type !== 'del' && sums.has(before.value as Counts)) {
      addInPlace(before.value as Counts, op.value);
    } else {
      const value = before.type === 'del' ? { ...op.value } : addCounts(before.value as Counts, op.value);
      sums.add(value);
      last.set(op.key, before.type === 'del' ? { type: 'put', key: op.key, value } : ({ ...before, value } as BatchOp));
    }
  }
  return [...last.values()];
}

/** Adds `delta` to `sum`, changing it. */
function addInPlace(sum: Counts, delta: Counts): void {
  for (const [field, n] of Object.entries(delta)) sum[field] = (sum[field] ?? 0) + n;
}

export interface ScanOptions {
  /** Newest-first order (keys descending). */
  reverse?: boolean;
  /** Stop after this many entries. */
  limit?: number;
  /** Start strictly after this key (strictly before it when reverse), for paging. */
  after?: string;
}

/**
 * The Store port: where every record of the engine lives. Keys are strings ordered by code unit;
 * values are JSON. Implementations must give:
 * - `update`: atomic read-modify-write of one record, serialised against every other write of it;
 * - `batch`: several writes that land together or not at all, `add`s included (see BatchOp);
 * - `scan`: entries under a key prefix in key order, streamed (never all loaded at once).
 * `@abaco/core/conformance` holds the suite every implementation must pass.
 */
export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  batch(ops: BatchOp[]): Promise<void>;
  /**
   * Reads `key`, calls `fn` with its value, and writes what `fn` returns: a value to store,
   * `undefined` to delete the record, or `UNCHANGED` to write nothing, or `new WithWrites(value, ops)` to
   * write other records in the same atomic batch. A throw from `fn` aborts
   * and writes nothing. Returns the value now stored.
   */
  update<T>(key: string, fn: UpdateFn<T>): Promise<T | undefined>;
  scan<T>(prefix: string, options?: ScanOptions): AsyncIterable<[string, T]>;
  /** Deletes every key under the prefix; returns how many there were. */
  clear(prefix: string): Promise<number>;
  close(): Promise<void>;
}

/** A new value together with other writes that must land in the same batch. */
export class WithWrites<T> {
  constructor(readonly value: T | undefined, readonly also: BatchOp[]) {}
}

/** Returned by an update function to leave the record as it is. */
export const UNCHANGED: unique symbol = Symbol('unchanged');

/** What an update function returns. */
export type UpdateResult<T> = T | undefined | typeof UNCHANGED | WithWrites<T>;
export type UpdateFn<T> = (current: T | undefined) => UpdateResult<T> | Promise<UpdateResult<T>>;
