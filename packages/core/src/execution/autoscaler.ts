import type { EngineContext } from '../engine/context.js';
import type { Inbox } from '../inbox/inbox.js';
import type { Actor } from '../model/actor.js';
import { PENDING_STATUSES } from '../model/worker.js';
import { keys } from '../store/keys.js';
import type { WorkerPool } from './workers.js';

/**
 * Resizes the worker pools of stateless actors from their inbox lengths (upstream's algorithm):
 * while messages wait and the pool is below maxWorkers, add one worker per tick; when the inbox
 * is empty, stop the idle (READY) workers, except that an actor with the `sync` hint keeps its
 * most recently used worker until it has been idle for `syncMaxIdleMs`. Stateful actors are never
 * scaled: they keep their one worker.
 */
export class Autoscaler {
  constructor(
    private readonly ctx: EngineContext,
    private readonly inbox: Inbox,
    private readonly pool: WorkerPool,
  ) {}

  async tick(): Promise<void> {
    for await (const [, actor] of this.ctx.store.scan<Actor>(keys.allActors)) {
      if (!actor.stateless || actor.status === 'ERROR' || actor.status === 'SHUTTING_DOWN') continue;
      await this.scale(actor);
    }
  }

  private async scale(actor: Actor): Promise<void> {
    const queued = await this.inbox.length(actor.dbId);
    const workers = await this.pool.viable(actor);
    if (queued > 0) {
      const pending = workers.filter((w) => PENDING_STATUSES.includes(w.status)).length;
      const max = actor.maxWorkers ?? this.ctx.settings.maxWorkersPerActor;
      if (queued - pending > 0 && workers.length < max) await this.pool.spawn(actor);
      return;
    }
    const idle = workers.filter((w) => w.status === 'READY');
    let keep: string | undefined;
    if (actor.hints.includes('sync') && idle.length === workers.length && idle.length > 0) {
      const lastUse = (w: (typeof idle)[number]) => w.lastExecutionTime ?? w.createTime;
      const freshest = idle.reduce((a, b) => (lastUse(a) >= lastUse(b) ? a : b));
      if (this.ctx.now().getTime() - Date.parse(lastUse(freshest)) < this.ctx.settings.syncMaxIdleMs) keep = freshest.id;
    }
    for (const worker of idle) if (worker.id !== keep) await this.pool.stop(actor, worker.id);
  }
}
