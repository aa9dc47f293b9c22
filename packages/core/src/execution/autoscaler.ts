import type { EngineContext } from '../engine/context.js';
import type { Inbox } from '../inbox/inbox.js';
import type { Actor } from '../model/actor.js';
import type { Worker } from '../model/worker.js';
import { keys } from '../store/keys.js';
import type { NodePlaces } from '../engine/nodes.js';
import type { WorkerPool } from './workers.js';

/** What one stateless actor wants of the node's workers. */
export interface Want {
  /** The actor's db id. */
  id: string;
  /** Workers it could use now: running + queued executions, at most its maxWorkers. */
  demand: number;
  /** Workers it has. */
  has: number;
}

/** What the autoscaler saw of a stateless actor in one pass, and decided for it. */
interface Pool {
  actor: Actor;
  workers: Worker[];
  /** Its viable workers, less those retired in this pass. */
  count: number;
  demand: number;
  /** Workers kept even without work (the sync hint's one). */
  floor: number;
  target: number;
}

/**
 * Sizes the worker pools of stateless actors to their backlogs. The pool an actor should have (its
 * target) is `min(maxWorkers, running + queued)`, with `maxWorkersPerActor` when the actor sets no
 * maxWorkers, and within the places of the nodes (each one's `maxWorkersPerNode`), shared fairly between the actors with work (see
 * `fairShares`); every actor with work gets one worker at least. Each pass (`tick`) brings every
 * pool to its target at once, and a message that comes to an actor whose queue is longer than its
 * idle workers can take grows its pool right away (`queued`). Pools shrink gently: a worker beyond
 * the target is stopped once it has been idle for `autoscaleIdleMs`, never while it holds a lease;
 * an actor with the `sync` hint keeps its most recently used worker until that one has been idle for
 * `syncMaxIdleMs`. When another actor needs the places, workers beyond their actor's target go
 * at once: idle ones first, then busy ones after their current execution (none is interrupted).
 * Stateful actors keep exactly one worker.
 */
export class Autoscaler {
  private decided = new Map<string, number>();
  /** The stateless actors with work at the last pass, for the shares of messages that come between passes. */
  private wants = new Map<string, Want>();
  /** Workers of stateful actors at the last pass: places the shares leave aside. */
  private reserved = 0;
  /** The places of all nodes at the last look (see `capacityOf`). */
  private capacity: number;

  constructor(
    private readonly ctx: EngineContext,
    private readonly inbox: Inbox,
    private readonly pool: WorkerPool,
  ) {
    this.capacity = ctx.settings.maxWorkersPerNode;
  }

  /** The pool size last decided for each actor (its target), by db id; none for actors not seen yet. */
  get targets(): ReadonlyMap<string, number> {
    return this.decided;
  }

  /** Drops what was decided for an actor (it is being deleted). */
  forget(actor: Actor): void {
    this.decided.delete(actor.dbId);
    this.wants.delete(actor.dbId);
  }

  /** One pass over every actor: decide each target, stop what is no longer needed, start what is. */
  async tick(): Promise<void> {
    const pools: Pool[] = [];
    const targets = new Map<string, number>();
    let reserved = 0;
    for await (const [, actor] of this.ctx.store.scan<Actor>(keys.allActors)) {
      if (actor.status === 'ERROR' || actor.status === 'SHUTTING_DOWN') continue;
      if (actor.stateless) pools.push(await this.look(actor));
      else {
        targets.set(actor.dbId, 1);
        if ((await this.pool.viable(actor)).length === 0 && (await this.inbox.length(actor.dbId)) === 0) continue;
        await this.pool.ensureOne(actor);
        reserved++;
      }
    }
    const wants = pools.filter((p) => p.demand > 0).map((p) => ({ id: p.actor.dbId, demand: p.demand, has: p.count }));
    const places = await this.pool.places();
    this.capacity = capacityOf(places);
    const shares = fairShares(Math.max(0, this.capacity - reserved), wants);
    for (const p of pools) targets.set(p.actor.dbId, (p.target = Math.max(shares.get(p.actor.dbId) ?? 0, p.floor)));
    this.decided = targets;
    this.wants = new Map(wants.map((w) => [w.id, w]));
    this.reserved = reserved;

    const idleSince = this.ctx.now().getTime() - this.ctx.settings.autoscaleIdleMs;
    for (const p of pools) await this.retireIdle(p, (w) => Date.parse(lastUse(w)) <= idleSince);
    const missing = pools.reduce((n, p) => n + Math.max(0, p.target - p.count), 0);
    let short = missing - roomOf(places);
    for (const p of pools) if (short > 0) short -= await this.reclaim(p, short);
    await this.grow(pools, roomOf(places));
  }

  /**
   * A message was queued for `actor`: when its queue is longer than its idle workers can take,
   * grow its pool to its share now rather than at the next pass. An actor without workers gets one.
   */
  async queued(actor: Actor): Promise<void> {
    if (!actor.stateless) {
      await this.pool.ensureOne(actor);
      return;
    }
    await this.pool.grow(actor, async (workers) => {
      const { queued, leased: running } = await this.inbox.counts(actor.dbId);
      const want = { id: actor.dbId, demand: this.demand(actor, running, queued), has: workers.length };
      if (want.demand > 0) this.wants.set(want.id, want);
      else this.wants.delete(want.id);
      if (queued <= workers.length - running) {
        this.decided.set(want.id, this.share(want));
        return Math.max(1, workers.length);
      }
      const places = await this.pool.places();
      this.capacity = capacityOf(places);
      const share = this.share(want);
      this.decided.set(want.id, share);
      return Math.max(1, Math.min(share, workers.length + roomOf(places)));
    });
  }

  private async look(actor: Actor): Promise<Pool> {
    const workers = await this.pool.viable(actor);
    const { queued, leased } = await this.inbox.counts(actor.dbId);
    const demand = this.demand(actor, leased, queued);
    const freshest = workers.map((w) => Date.parse(lastUse(w))).reduce((a, b) => Math.max(a, b), -Infinity);
    const synced = actor.hints.includes('sync') && this.ctx.now().getTime() - freshest < this.ctx.settings.syncMaxIdleMs;
    return { actor, workers, count: workers.length, demand, floor: synced ? 1 : 0, target: 0 };
  }

  private demand(actor: Actor, running: number, queued: number): number {
    return Math.min(actor.maxWorkers ?? this.ctx.settings.maxWorkersPerActor, running + queued);
  }

  /** An actor's fair share of the places, with the wants of the other actors seen since the last pass. */
  private share(want: Want): number {
    if (want.demand === 0) return 0;
    return fairShares(Math.max(0, this.capacity - this.reserved), [...this.wants.values()]).get(want.id)!;
  }

  /** Stops idle workers beyond the target that pass `eligible`, least recently used first; returns how many. */
  private async retireIdle(p: Pool, eligible: (w: Worker) => boolean, most = Infinity): Promise<number> {
    let retired = 0;
    const idle = p.workers.filter((w) => w.status === 'READY' && eligible(w)).sort((a, b) => lastUse(a).localeCompare(lastUse(b)));
    for (const w of idle) {
      if (p.count <= p.target || retired >= most) break;
      if (!(await this.pool.retireIdle(p.actor, w.id))) continue;
      p.workers = p.workers.filter((other) => other !== w);
      p.count--;
      retired++;
    }
    return retired;
  }

  /**
   * Frees up to `most` places held beyond the target on this node: idle workers at once; then
   * starting ones, which stop before they take a message, and busy ones, which stop after their
   * current execution. Workers of other nodes hold no place here, and are theirs to stop.
   */
  private async reclaim(p: Pool, most: number): Promise<number> {
    let freed = await this.retireIdle(p, () => true, most);
    const busyLast = (w: Worker) => (w.status === 'BUSY' ? 1 : 0);
    for (const w of p.workers.filter((w) => this.pool.isAlive(w.id)).sort((a, b) => busyLast(a) - busyLast(b))) {
      if (p.count <= p.target || freed >= most) break;
      await this.pool.stop(p.actor, w.id);
      p.count--;
      freed++;
    }
    return freed;
  }

  /** Starts the missing workers, one per actor in turn while the node has room; an actor with work and no worker gets one anyway. */
  private async grow(pools: Pool[], room: number): Promise<void> {
    const adding = new Map<Pool, number>();
    for (const p of pools.filter((p) => p.count === 0 && p.target > 0)) {
      adding.set(p, 1);
      room--;
    }
    for (let more = true; more && room > 0; ) {
      more = false;
      for (const p of pools) {
        const n = adding.get(p) ?? 0;
        if (room <= 0 || p.count + n >= p.target) continue;
        adding.set(p, n + 1);
        room--;
        more = true;
      }
    }
    for (const [p, n] of adding) await this.pool.grow(p.actor, (workers) => Math.min(p.target, workers.length + n));
  }
}

/**
 * Max-min fair shares of `capacity` workers between actors that want `demand` each: each gets as
 * many as the others, up to its demand, and what one does not need goes to the others. A remainder
 * that cannot be split evenly goes to the actors that already have more workers (so that no worker
 * moves for it), and every actor with a demand gets one at least, whatever the capacity.
 */
export function fairShares(capacity: number, wants: Want[]): Map<string, number> {
  const shares = new Map(wants.map((w) => [w.id, 0]));
  const give = (w: Want, n: number) => shares.set(w.id, shares.get(w.id)! + n);
  let open = wants.filter((w) => w.demand > 0).sort((a, b) => b.has - a.has || a.id.localeCompare(b.id));
  let left = capacity;
  while (left > 0 && open.length > 0) {
    const each = Math.max(1, Math.floor(left / open.length));
    for (const w of open) {
      const n = Math.min(each, w.demand - shares.get(w.id)!, left);
      give(w, n);
      left -= n;
    }
    open = open.filter((w) => shares.get(w.id)! < w.demand);
  }
  for (const w of wants) if (w.demand > 0 && shares.get(w.id) === 0) give(w, 1);
  return shares;
}

/** The workers all nodes may run at once (`maxWorkersPerNode` of each). */
const capacityOf = (places: NodePlaces[]) => places.reduce((n, p) => n + p.capacity, 0);
/** Places free on the nodes for the autoscaler's workers. */
const roomOf = (places: NodePlaces[]) => places.reduce((n, p) => n + p.capacity - p.used, 0);

/** When a worker last ran an execution, or was created. */
const lastUse = (w: Worker) => w.lastExecutionTime ?? w.createTime;
