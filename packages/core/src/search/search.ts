import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError } from '../errors.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import type { Worker } from '../model/worker.js';
import { atLeast } from '../auth/levels.js';
import { authorize, grantedLevel, reachActor } from '../registry/access.js';
import { keys } from '../store/keys.js';
import { hasPhrase, matches, textScore, valueAt } from './match.js';
import { PATTERN_TIME_LIMIT_MS, PatternFilter } from './patterns.js';
import { parseSearch, type SearchQuery } from './query.js';
import { RegexWorker } from './regex-worker.js';
import { Top } from './top.js';

export const COLLECTIONS = ['actors', 'workers', 'executions', 'logs'] as const;
export type Collection = (typeof COLLECTIONS)[number];

/** A log as search sees it. */
export interface LogRecord {
  actorId: string;
  executionId: string;
  logs: string;
}

export interface SearchResult {
  collection: Collection;
  records: (Actor | Worker | Execution | LogRecord)[];
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

/** A record that matched: `seq` is its place in the scan, which breaks ties as a stable sort would. */
interface Found {
  record: SearchResult['records'][number];
  score: number;
  key: string;
  seq: number;
}

const collator = new Intl.Collator();
/** Best score first, then by the collection's sort field, then in scan order. */
const byRank = (a: Found, b: Found) => b.score - a.score || collator.compare(a.key, b.key) || a.seq - b.seq;

/**
 * The search of the user guide over actors, workers, executions and logs. Only the records of actors
 * the caller holds a READ grant on are looked at or counted (admins too). Records are read by ordered scans of the actors in reach (and of the
 * one actor a query names by `actor_id`), never across the whole store. Only the first `skip + limit`
 * matches are kept (the rest are counted); `like` patterns run in a worker thread; a long search
 * gives the event loop back every few milliseconds.
 */
export class SearchService {
  private readonly regex = new RegexWorker(PATTERN_TIME_LIMIT_MS);

  constructor(private readonly ctx: EngineContext) {}

  async search(who: Identity, collection: string, params: Record<string, unknown>, scope: SearchScope = {}): Promise<SearchResult> {
    if (!(COLLECTIONS as readonly string[]).includes(collection)) {
      throw new BadRequestError(`Invalid search collection '${collection}': search actors, workers, executions or logs.`);
    }
    const query = parseSearch(params, this.ctx.settings.searchMaxLimit);
    const actors = await this.actorsInReach(who, scope, query);
    const field = SORT_FIELD[collection as Collection];
    const top = new Top<Found>(query.skip + query.limit, byRank);
    const patterns = new PatternFilter<Found>(this.regex, query.patterns, (found) => top.offer(found));
    await patterns.check();
    let seq = 0;
    let slice = performance.now();
    for await (const record of this.records(collection as Collection, actors, scope)) {
      if (performance.now() - slice > SLICE_MS) {
        await yieldToLoop();
        slice = performance.now();
      }
      if (!query.conditions.every((c) => matches(record, c))) continue;
      if (query.exactsearch !== undefined && !hasPhrase(record, query.exactsearch)) continue;
      const score = query.search === undefined ? 1 : textScore(record, query.search);
      if (score > 0) await patterns.add(record, { record, score, key: String(valueAt(record, [field])), seq: seq++ });
    }
    await patterns.flush();
    const page = top.sorted().slice(query.skip).map((f) => f.record);
    return { collection: collection as Collection, records: page, metadata: { countReturned: page.length, recordLimit: query.limit, recordsSkipped: query.skip, totalCount: top.count } };
  }

  /**
   * The actors whose records the search reads: one (scoped, or named by actor_id) or every one in
   * reach. As upstream's permission join, search reaches an actor only through a grant of READ or
   * more (the caller's own or the world's), for admins too: they see everything through the listings.
   */
  private async actorsInReach(who: Identity, scope: SearchScope, query: SearchQuery): Promise<Actor[]> {
    const readable = async (actor: Actor) => atLeast(await grantedLevel(this.ctx, who, 'actor', actor.id), 'READ');
    if (scope.actor !== undefined) {
      const { actor } = await reachActor(this.ctx, who, scope.actor, 'executions.read');
      return (await readable(actor)) ? [actor] : [];
    }
    await authorize(this.ctx, who, 'actors.search', { kind: 'tenant' });
    const named = query.conditions.find((c) => c.path.length === 1 && c.path[0] === 'actorId' && (c.op === 'eq' || c.op === 'in'));
    const ids = named ? ([] as unknown[]).concat(named.value).map(String) : undefined;
    const actors: Actor[] = [];
    if (ids) {
      for (const id of ids) {
        const actor = await this.ctx.store.get<Actor>(keys.actor(who.tenant, id));
        if (actor && (await readable(actor))) actors.push(actor);
      }
      return actors;
    }
    for await (const [, actor] of this.ctx.store.scan<Actor>(keys.actors(who.tenant))) {
      if (await readable(actor)) actors.push(actor);
    }
    return actors;
  }

  private async *records(collection: Collection, actors: Actor[], scope: SearchScope): AsyncIterable<SearchResult['records'][number]> {
    for (const actor of actors) {
      if (collection === 'actors') yield actor;
      if (collection === 'workers') for await (const [, w] of this.ctx.store.scan<Worker>(keys.workers(actor.tenant, actor.id))) yield w;
      if (collection === 'executions') for await (const [, e] of this.ctx.store.scan<Execution>(keys.executions(actor.tenant, actor.id))) yield e;
      if (collection === 'logs') {
        for await (const [key, log] of this.ctx.store.scan<{ logs: string; expiresAt: string | null }>(keys.logs(actor.tenant, actor.id))) {
          const executionId = key.slice(key.lastIndexOf('/') + 1);
          if (scope.executionId !== undefined && executionId !== scope.executionId) continue;
          if (log.expiresAt !== null && log.expiresAt <= this.ctx.now().toISOString()) continue;
          yield { actorId: actor.id, executionId, logs: log.logs };
        }
      }
    }
  }
}
