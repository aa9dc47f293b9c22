import type { EngineContext } from '../engine/context.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import type { Worker } from '../model/worker.js';
import { keys } from '../store/keys.js';
import { INDEXED_FIELDS, readExecutionTally, type IndexedExecution } from './execution-index.js';
import { indexRange, readIndex, type IndexCut, type IndexRange } from './index-scan.js';
import { matches } from './match.js';
import type { Condition, SearchQuery } from './query.js';
import type { IndexedSearch, SearchIndex } from './search-index.js';

/** A log as search sees it. */
export interface LogRecord {
  actorId: string;
  executionId: string;
  logs: string;
}

export type SearchRecord = Actor | Worker | Execution | LogRecord;

/**
 * A record a search looks at, or for an execution found through the index, what its entry tells
 * (`entry`) until the page is read. `score` and `key` (the value of the collection's sort field)
 * are set once it matched.
 */
export interface Candidate {
  record: SearchRecord | IndexedExecution;
  entry: boolean;
  /** Its actor's place among the actors in reach. */
  rank: number;
  /** Its place among its actor's records: its store key, or for an index entry the execution id. */
  tie: string;
  score: number;
  key: string;
}

/** The actors a search reads, and whether they are most of their tenant's (then the tenant-wide index serves best). */
export interface Reach {
  tenant: string;
  actors: Actor[];
  tenantWide: boolean;
}

/** A store's own search index, and the search as it takes it. */
export interface StoreSearch {
  index: SearchIndex;
  search: IndexedSearch;
}

/** Candidates are handed over in chunks of this many. */
const CHUNK = 512;

const found = (record: SearchRecord | IndexedExecution, rank: number, tie: string, entry = false): Candidate => ({ record, entry, rank, tie, score: 0, key: '' });

/**
 * The total of a search of executions read from its actors' tallies (execution/executions.ts), when
 * they answer it: every condition is on the status or names actors (`actorId` eq or in), with no
 * pattern and no text search. Undefined otherwise: the search counts what it finds. The work is one
 * read per actor in reach, however many executions they have.
 */
export async function countFromTallies(ctx: EngineContext, collection: string, reach: Reach, query: SearchQuery): Promise<number | undefined> {
  const onStatusOrActor = (c: Condition) => c.path.length === 1 && (c.path[0] === 'status' || (c.path[0] === 'actorId' && (c.op === 'eq' || c.op === 'in')));
  if (collection !== 'executions' || !query.conditions.every(onStatusOrActor) || query.patterns.length > 0 || query.search !== undefined || query.exactsearch !== undefined) return undefined;
  const { statuses } = indexRange(query.conditions);
  const actors = reach.actors.filter((actor) => query.conditions.every((c) => c.path[0] !== 'actorId' || matches({ actorId: actor.id }, c)));
  const tallies = await Promise.all(actors.map((actor) => readExecutionTally(ctx.store, actor)));
  return tallies.reduce((sum, counts) => statuses.reduce((n, status) => n + (counts[status] ?? 0), sum), 0);
}

/**
 * What a search looks at, in chunks: the records of the actors in reach, or for executions their
 * index entries when the index answers the search alone (every condition and pattern on an indexed
 * field, no full-text search) or bounds its receive times. A search that needs more than the index
 * holds then reads whole each entry that passes the indexed conditions; without a time bound that
 * would cost more than scanning the records (a read per record), which is done instead. A search
 * whose total is counted elsewhere (`countFromTallies`) passes `enough`: the first `skip + limit`
 * matches; the index is then read only that far. A store with its own search index (`own`) is asked
 * for the candidates instead.
 */
export async function* candidates(ctx: EngineContext, collection: string, reach: Reach, query: SearchQuery, executionId?: string, enough?: number, own?: StoreSearch): AsyncIterable<Candidate[]> {
  if (reach.actors.length === 0) return;
  if (own) {
    const ranks = new Map(reach.actors.map((actor, rank) => [actor.id, rank]));
    for await (const chunk of own.index.candidates(own.search)) {
      yield chunk.map(({ key, record }) => found(record, ranks.get(collection === 'actors' ? (record as Actor).id : (record as { actorId: string }).actorId) ?? 0, key));
    }
    return;
  }
  if (collection === 'executions') {
    const indexed = (path: string[]) => path.length === 1 && INDEXED_FIELDS.has(path[0]!);
    const answered = [...query.conditions, ...query.patterns].every((c) => indexed(c.path)) && query.search === undefined && query.exactsearch === undefined;
    const range = indexRange(query.conditions);
    const bounded = range.from !== undefined || range.to !== undefined;
    if (answered || bounded) {
      const cut = enough === undefined ? undefined : { accept: (entry: IndexedExecution) => query.conditions.every((c) => matches(entry, c)), enough };
      yield* fromIndex(ctx, reach, range, answered ? undefined : query.conditions.filter((c) => indexed(c.path)), cut);
      return;
    }
  }
  let chunk: Candidate[] = [];
  for await (const candidate of scanned(ctx, collection, reach, executionId)) {
    chunk.push(candidate);
    if (chunk.length === CHUNK) yield chunk.splice(0);
  }
  yield chunk;
}

/** The records of the actors in reach, actor by actor, each in key order. */
async function* scanned(ctx: EngineContext, collection: string, reach: Reach, executionId?: string): AsyncIterable<Candidate> {
  for (const [rank, actor] of reach.actors.entries()) {
    const { tenant, id } = actor;
    if (collection === 'actors') yield found(actor, rank, '');
    if (collection === 'workers') for await (const [key, w] of ctx.store.scan<Worker>(keys.workers(tenant, id))) yield found(w, rank, key);
    if (collection === 'executions') for await (const [key, e] of ctx.store.scan<Execution>(keys.executions(tenant, id))) yield found(e, rank, key);
    if (collection === 'logs') {
      for await (const [key, log] of ctx.store.scan<{ logs: string; expiresAt: string | null }>(keys.logs(tenant, id))) {
        const logOf = key.slice(key.lastIndexOf('/') + 1);
        if (executionId !== undefined && logOf !== executionId) continue;
        if (log.expiresAt !== null && log.expiresAt <= ctx.now().toISOString()) continue;
        yield found({ actorId: id, executionId: logOf, logs: log.logs }, rank, key);
      }
    }
  }
}

/**
 * Executions through their index entries in `range`, of the actors in reach. With `prefilter`
 * (the search needs more than the index holds) each entry that passes it is read whole; with a
 * `cut`, each index read ends once it has enough entries in reach that the cut accepts.
 */
async function* fromIndex(ctx: EngineContext, reach: Reach, range: IndexRange, prefilter?: Condition[], cut?: IndexCut): AsyncIterable<Candidate[]> {
  const ranks = new Map(reach.actors.map((actor, rank) => [actor.id, rank]));
  const inReach = cut && { ...cut, accept: (entry: IndexedExecution) => ranks.has(entry.actorId) && cut.accept(entry) };
  for await (const entries of readIndex(ctx.store, reach.tenant, range, reach.tenantWide ? 'tenant' : [...ranks.keys()], CHUNK, inReach)) {
    const chunk: Candidate[] = [];
    for (const entry of entries) {
      const rank = ranks.get(entry.actorId);
      if (rank === undefined) continue;
      if (!prefilter) chunk.push(found(entry, rank, entry.id, true));
      else if (prefilter.every((c) => matches(entry, c))) {
        const record = await ctx.store.get<Execution>(keys.execution(entry.tenant, entry.actorId, entry.id));
        if (record) chunk.push(found(record, rank, entry.id));
      }
    }
    yield chunk;
  }
}

/** The records of a page: those found through the index are read now, together (one deleted meanwhile is left out). */
export async function readPage(ctx: EngineContext, page: Candidate[]): Promise<SearchRecord[]> {
  const records = await Promise.all(
    page.map(({ record, entry }) => {
      const e = record as IndexedExecution;
      return entry ? ctx.store.get<Execution>(keys.execution(e.tenant, e.actorId, e.id)) : (record as SearchRecord);
    }),
  );
  return records.filter((r) => r !== undefined);
}
