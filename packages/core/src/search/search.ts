import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError } from '../errors.js';
import type { Actor } from '../model/actor.js';
import { atLeast } from '../auth/levels.js';
import { authorize, grantedLevel, reachActor } from '../registry/access.js';
import { keys } from '../store/keys.js';
import { EXECUTION_STATUSES } from './execution-index.js';
import { indexRange } from './index-scan.js';
import { candidates, countFromTallies, readPage, type Candidate, type Reach, type SearchRecord, type StoreSearch } from './candidates.js';
import { hasPhrase, matches, textScore, valueAt } from './match.js';
import { PATTERN_TIME_LIMIT_MS, PatternFilter } from './patterns.js';
import { parseSearch, type SearchQuery } from './query.js';
import { RegexWorker } from './regex-worker.js';
import { searchIndexOf } from './search-index.js';
import { Top } from './top.js';

export type { LogRecord, SearchRecord } from './candidates.js';
export type { IndexedRecord, IndexedSearch, SearchIndex } from './search-index.js';
export type { Comparison, Condition, PatternCondition } from './query.js';

export const COLLECTIONS = ['actors', 'workers', 'executions', 'logs'] as const;
export type Collection = (typeof COLLECTIONS)[number];

export interface SearchResult {
  collection: Collection;
  records: SearchRecord[];
  metadata: { countReturned: number; recordLimit: number; recordsSkipped: number; totalCount: number };
}

/** Where a search looks: everything the caller may READ, or one actor (and one execution's logs). */
export interface SearchScope {
  actor?: string;
  executionId?: string;
}

const SORT_FIELD: Record<Collection, string> = { actors: 'createTime', workers: 'createTime', executions: 'messageReceivedTime', logs: 'executionId' };
/** A search gives the event loop back to other work after this long. */
const SLICE_MS = 10;

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/**
 * Best score first, then by the collection's sort field (as text, in code-unit order: upstream's
 * MongoDB compares strings so; times are ISO-8601, in order as text), then in scan order: actor by
 * actor (in the order of their ids), each in key order.
 */
const byRank = (a: Candidate, b: Candidate) => b.score - a.score || byCodeUnit(a.key, b.key) || a.rank - b.rank || byCodeUnit(a.tie, b.tie);

/**
 * The search of the user guide over actors, workers, executions and logs. Only the records of actors
 * the caller holds a READ grant on are looked at or counted (admins too). Records are read by ordered
 * scans of the actors in reach (and of the one actor a query names by `actor_id`), never across the
 * whole store. Executions are found through their index (execution-index.ts) when it narrows the
 * search or answers it alone: conditions and patterns on the indexed fields are checked on the index
 * entries, whose records are read only for the page returned. Only the first `skip + limit`
 * matches are kept (the rest are counted; a search on statuses alone is counted from the actors'
 * tallies and reads the index only as far as its page); `like` patterns run in a worker thread; a long search
 * gives the event loop back every few milliseconds.
 *
 * A store with its own search index (search-index.ts, e.g. SQL on PostgreSQL) is handed the search
 * once it is parsed, its patterns checked and the actors in reach decided: it answers the whole
 * search, or gives the candidates that core then filters, scores and pages as above.
 */
export class SearchService {
  private readonly regex = new RegexWorker(PATTERN_TIME_LIMIT_MS);

  constructor(private readonly ctx: EngineContext) {}

  async search(who: Identity, collection: string, params: Record<string, unknown>, scope: SearchScope = {}): Promise<SearchResult> {
    if (!(COLLECTIONS as readonly string[]).includes(collection)) {
      throw new BadRequestError(`Invalid search collection '${collection}': search actors, workers, executions or logs.`);
    }
    const query = parseSearch(params, this.ctx.settings.searchMaxLimit);
    const reach = await this.actorsInReach(who, scope, query);
    const field = SORT_FIELD[collection as Collection];
    if (collection === 'executions') await this.statusPatternsAsList(query);
    const top = new Top<Candidate>(query.skip + query.limit, byRank);
    const patterns = new PatternFilter<Candidate>(this.regex, query.patterns, (found) => top.offer(found));
    await patterns.check();
    const counted = await countFromTallies(this.ctx, collection, reach, query);
    const own = this.storeSearch(collection as Collection, reach, query, scope, counted);
    const answered = own && reach.actors.length > 0 ? await own.index.answer(own.search) : undefined;
    if (answered) return this.result(collection as Collection, query, answered.records, answered.totalCount);
    let slice = performance.now();
    for await (const chunk of candidates(this.ctx, collection, reach, query, scope.executionId, counted === undefined ? undefined : query.skip + query.limit, own)) {
      for (const candidate of chunk) {
        const { record } = candidate;
        if (!query.conditions.every((c) => matches(record, c))) continue;
        if (query.exactsearch !== undefined && !hasPhrase(record, query.exactsearch)) continue;
        candidate.score = query.search === undefined ? 1 : textScore(record, query.search);
        if (candidate.score === 0) continue;
        candidate.key = String(valueAt(record, [field]));
        if (query.patterns.length === 0) top.offer(candidate);
        else await patterns.add(record, candidate);
      }
      if (performance.now() - slice > SLICE_MS) {
        await yieldToLoop();
        slice = performance.now();
      }
    }
    await patterns.flush();
    const page = await readPage(this.ctx, top.sorted().slice(query.skip));
    return this.result(collection as Collection, query, page, counted ?? top.count);
  }

  private result(collection: Collection, query: SearchQuery, records: SearchRecord[], totalCount: number): SearchResult {
    return { collection, records, metadata: { countReturned: records.length, recordLimit: query.limit, recordsSkipped: query.skip, totalCount } };
  }

  /** The store's own search index, if it has one, and the search as it takes it. */
  private storeSearch(collection: Collection, reach: Reach, query: SearchQuery, scope: SearchScope, totalCount?: number): StoreSearch | undefined {
    const index = searchIndexOf(this.ctx.store);
    if (!index) return undefined;
    const { conditions, patterns, search, exactsearch, skip, limit } = query;
    const actorIds = reach.actors.map((actor) => actor.id);
    const { statuses, from, to } = indexRange(conditions);
    const range = collection === 'executions' ? { statuses, from, to } : undefined;
    return { index, search: { collection, tenant: reach.tenant, actorIds, executionId: scope.executionId, now: this.ctx.now().toISOString(), conditions, patterns, range, search, exactsearch, sortField: SORT_FIELD[collection], skip, limit, totalCount } };
  }

  /**
   * Turns the `like` and `nlike` of a search of executions on `status` into the list of the statuses
   * they let through, matched once: the index then reads only those statuses.
   */
  private async statusPatternsAsList(query: SearchQuery): Promise<void> {
    const onStatus = query.patterns.filter((p) => p.path.length === 1 && p.path[0] === 'status');
    if (onStatus.length === 0) return;
    const passing: string[] = [];
    const filter = new PatternFilter<string>(this.regex, onStatus, (status) => passing.push(status));
    for (const status of EXECUTION_STATUSES) await filter.add({ status }, status);
    await filter.flush();
    query.patterns = query.patterns.filter((p) => !onStatus.includes(p));
    query.conditions.push({ parameter: onStatus[0]!.parameter, path: ['status'], op: 'in', value: passing });
  }

  /**
   * The actors whose records the search reads: one (scoped, or named by actor_id) or every one in
   * reach. As upstream's permission join, search reaches an actor only through a grant of READ or
   * more (the caller's own or the world's), for admins too: they see everything through the listings.
   */
  private async actorsInReach(who: Identity, scope: SearchScope, query: SearchQuery): Promise<Reach> {
    const readable = async (actor: Actor) => atLeast(await grantedLevel(this.ctx, who, 'actor', actor.id), 'READ');
    const reach = (actors: Actor[], tenantWide = false): Reach => ({ tenant: who.tenant, actors, tenantWide });
    if (scope.actor !== undefined) {
      const { actor } = await reachActor(this.ctx, who, scope.actor, 'executions.read');
      return reach((await readable(actor)) ? [actor] : []);
    }
    await authorize(this.ctx, who, 'actors.search', { kind: 'tenant' });
    const named = query.conditions.find((c) => c.path.length === 1 && c.path[0] === 'actorId' && (c.op === 'eq' || c.op === 'in'));
    // each actor once, in the order of their ids (as the scan of them all gives them)
    const ids = named ? [...new Set(([] as unknown[]).concat(named.value).map(String))].sort(byCodeUnit) : undefined;
    // the grants of the actors are read together, not one after the other (on a database, a round trip each)
    const readableOf = async (actors: Actor[]) => {
      const allowed = await Promise.all(actors.map(readable));
      return actors.filter((_, i) => allowed[i]);
    };
    if (ids) {
      const found = await Promise.all(ids.map((id) => this.ctx.store.get<Actor>(keys.actor(who.tenant, id))));
      return reach(await readableOf(found.filter((actor) => actor !== undefined)));
    }
    const all: Actor[] = [];
    for await (const [, actor] of this.ctx.store.scan<Actor>(keys.actors(who.tenant))) all.push(actor);
    const actors = await readableOf(all);
    return reach(actors, actors.length * 2 >= all.length);
  }
}
