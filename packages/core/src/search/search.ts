import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError } from '../errors.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import type { Worker } from '../model/worker.js';
import { allowed, authorize, reachActor } from '../registry/access.js';
import { keys } from '../store/keys.js';
import { hasPhrase, matches, textScore, valueAt } from './match.js';
import { parseSearch, type SearchQuery } from './query.js';

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

/**
 * The search of the user guide over actors, workers, executions and logs. Only what the caller may
 * READ is looked at or counted. Records are read by ordered scans of the actors in reach (and of the
 * one actor a query names by `actor_id`), never across the whole store.
 */
export class SearchService {
  constructor(private readonly ctx: EngineContext) {}

  async search(who: Identity, collection: string, params: Record<string, unknown>, scope: SearchScope = {}): Promise<SearchResult> {
    if (!(COLLECTIONS as readonly string[]).includes(collection)) {
      throw new BadRequestError(`Invalid search collection '${collection}': search actors, workers, executions or logs.`);
    }
    const query = parseSearch(params, this.ctx.settings.searchMaxLimit);
    const actors = await this.actorsInReach(who, scope, query);
    const found: { record: SearchResult['records'][number]; score: number }[] = [];
    for await (const record of this.records(collection as Collection, actors, scope)) {
      if (!query.conditions.every((c) => matches(record, c))) continue;
      if (query.exactsearch !== undefined && !hasPhrase(record, query.exactsearch)) continue;
      const score = query.search === undefined ? 1 : textScore(record, query.search);
      if (score > 0) found.push({ record, score });
    }
    const field = SORT_FIELD[collection as Collection];
    found.sort((a, b) => b.score - a.score || String(valueAt(a.record, [field])).localeCompare(String(valueAt(b.record, [field]))));
    const page = found.slice(query.skip, query.skip + query.limit).map((f) => f.record);
    return { collection: collection as Collection, records: page, metadata: { countReturned: page.length, recordLimit: query.limit, recordsSkipped: query.skip, totalCount: found.length } };
  }

  /** The actors whose records the search may read: one (scoped, or named by actor_id) or every readable one. */
  private async actorsInReach(who: Identity, scope: SearchScope, query: SearchQuery): Promise<Actor[]> {
    if (scope.actor !== undefined) return [(await reachActor(this.ctx, who, scope.actor, 'executions.read')).actor];
    await authorize(this.ctx, who, 'actors.search', { kind: 'tenant' });
    const readable = (actor: Actor) => allowed(this.ctx, who, 'executions.read', { kind: 'actor', actor, alias: null });
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
