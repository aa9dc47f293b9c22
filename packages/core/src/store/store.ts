/** One write of a batch: put a JSON value under a key, or delete the key. */
export type BatchOp = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };

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
 * - `batch`: several writes that land together or not at all;
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
