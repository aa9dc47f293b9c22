import type { Store } from '../store/store.js';
import type { LogRecord, SearchRecord } from './candidates.js';
import type { Condition, PatternCondition } from './query.js';

/**
 * A search as core hands it to a store's own search index, once parsed, validated and with the
 * permission decision made: `actorIds` are the actors whose records the caller may read (READ
 * granted), and no record of another actor may be looked at or counted.
 */
export interface IndexedSearch {
  collection: 'actors' | 'workers' | 'executions' | 'logs';
  tenant: string;
  /** The actors in reach, in the order of their ids. */
  actorIds: string[];
  /** For logs: only this execution's. */
  executionId?: string;
  /** Now, as ISO text: logs that expired at or before it are left out. */
  now: string;
  conditions: Condition[];
  patterns: PatternCondition[];
  /**
   * For executions: the statuses (of the four an execution goes through) and the receive times
   * (ISO text, bounds inclusive) every match lies within, drawn from the conditions, as core's own
   * index of executions reads them (times written by `toISOString`: their order as text is their
   * order in time).
   */
  range?: { statuses: readonly string[]; from?: string; to?: string };
  /** Full text: an index answers only searches without (`answer`); `candidates` leaves the scoring to core. */
  search?: string;
  exactsearch?: string;
  /** The field records are sorted on (as text, in code-unit order; records without it last), then by key (so by actor, then by record). */
  sortField: string;
  skip: number;
  limit: number;
  /** How many records match, when core knows it already (from the actors' tallies): the index need not count. */
  totalCount?: number;
}

/** A record found by an index, with its store key (records of one actor are sorted by it). */
export interface IndexedRecord {
  key: string;
  record: SearchRecord;
}

/**
 * The search port a Store may provide (as its `searchIndex` property) to run searches itself,
 * e.g. as SQL on its own indexes. Semantics are core's (search/match.ts, patterns.ts): a condition
 * compares as `matches` does, a `like` finds a regular expression as RE2 does, records of a log
 * are {@link LogRecord}s. The engine uses it when the store has it; nothing else needs wiring.
 */
export interface SearchIndex {
  /**
   * The page of the search (`skip`, `limit`, in the order `sortField`, then key) and how many
   * records match in all; or undefined when the index cannot answer the whole search exactly (a
   * full-text search, a pattern it cannot translate): core then filters `candidates` itself.
   */
  answer(search: IndexedSearch): Promise<{ records: SearchRecord[]; totalCount: number } | undefined>;
  /**
   * The records of the collection of the actors in reach that may match: at least every one that
   * matches the conditions and patterns (core checks them again), in chunks, in any order.
   */
  candidates(search: IndexedSearch): AsyncIterable<IndexedRecord[]>;
}

/** The search index of a store that provides one (see {@link SearchIndex}). */
export function searchIndexOf(store: Store): SearchIndex | undefined {
  return (store as Store & { searchIndex?: SearchIndex }).searchIndex;
}

export type { LogRecord, SearchRecord };
