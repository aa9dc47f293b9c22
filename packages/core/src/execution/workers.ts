import type { EngineContext } from '../engine/context.js';
import { topics, type Bus } from '../bus/bus.js';
import { newId } from '../ids.js';
import type { Inbox, Lease } from '../inbox/inbox.js';
import type { Actor, ActorStatus } from '../model/actor.js';
import { LEAVING_STATUSES, type Worker, type WorkerStatus } from '../model/worker.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { KeyLock } from '../store/key-lock.js';
import { keys } from '../store/keys.js';
import { UNCHANGED } from '../store/store.js';
import type { EventDispatcher } from './events.js';
import type { Runner } from './runner.js';
import type { NodePlaces } from '../engine/nodes.js';

export interface WorkerPoolDeps {
  runtime: ContainerRuntime;
  inbox: Inbox;
  bus: Bus;
  runner: Runner;
  events: EventDispatcher;
  /** This engine's node id, its workers' `hostId`. */
  engineId: string;
  /**
   * Other nodes share the store: starting an actor's workers is then serialised across nodes too,
   * and another node's worker is stopped by a word to its node (which removes its record once it
   * has stopped). Alone on the store, a worker record without a loop here is a dead worker's.
   */
  cluster: boolean;
  /** The nodes' places for workers (used in a cluster to choose where a worker starts). */
  nodes: { places(): Promise<NodePlaces[]> };
}

/** The topic on which a node asks the others to stop one of their workers. */
const STOP_TOPIC = 'workers/stop';
/** The topic on which a node asks another to start a worker it has recorded there. */
const START_TOPIC = 'workers/start';

/** How long the nodes' places read from the store serve (ms). */
const PLACES_MAX_AGE_MS = 1000;

/**
 * The workers of every actor: their records (with upstream's statuses) and, in this process, the
 * loop each runs: lease the next message of its actor's inbox, run it, repeat. A stateful actor
 * has one worker, so its messages run strictly in order; a stateless one may have several.
 * Starting workers is serialised per actor, so that concurrent callers (messages posted at the
 * same time, to this node or to others) never see "no worker" together and start one each.
 */
export class WorkerPool {
  private readonly loops = new Map<string, WorkerLoop>();
  private readonly spawning = new KeyLock();
  private closed = false;
  private unlisten: () => Promise<void> = async () => {};
  /** The nodes' places as last read (see `places`). */
  private seen: { at: number; places: NodePlaces[] } | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: WorkerPoolDeps,
  ) {}

  async list(actor: Actor): Promise<Worker[]> {
    const workers: Worker[] = [];
    for await (const [, worker] of this.ctx.store.scan<Worker>(keys.workers(actor.tenant, actor.id))) workers.push(worker);
    return workers.sort((a, b) => a.createTime.localeCompare(b.createTime));
  }

  /** Workers that are starting, ready or busy (not on their way out). */
  async viable(actor: Actor): Promise<Worker[]> {
    return (await this.list(actor)).filter((w) => !LEAVING_STATUSES.includes(w.status));
  }

  /** Starts a worker when the actor has none (on creation, and when a message comes). */
  async ensureOne(actor: Actor): Promise<void> {
    if (actor.status === 'ERROR' || actor.status === 'SHUTTING_DOWN') return;
    await this.ensure(actor, 1);
  }

  /** Starts workers until the actor has `count` (one at most for a stateful actor); returns how many it had. */
  async ensure(actor: Actor, count: number): Promise<number> {
    return this.grow(actor, () => count);
  }

  /**
   * Starts workers until the actor has as many as `wanted` answers, from the workers it has
   * (starting, ready or busy); one at most for a stateful actor. It never stops any, and runs
   * under the actor's spawn lock, so that the answer holds while the workers start: in a cluster,
   * a record of the store locked meanwhile, so that nodes too start an actor's workers one at a time.
   * In a cluster each new worker goes to this node while it has room, else to the node with the most
   * room (see `place`). Returns how many the actor had.
   */
  async grow(actor: Actor, wanted: (viable: Worker[]) => number | Promise<number>): Promise<number> {
    const needs = async () => {
      const viable = await this.viable(actor);
      const count = await wanted(viable);
      return { viable, limit: actor.stateless ? Math.max(count, 0) : Math.min(count, 1) };
    };
    const growNow = async () => {
      const { viable, limit } = await needs();
      const places = limit > viable.length && this.deps.cluster ? await this.places() : undefined;
      for (let i = viable.length; i < limit; i++) await this.start(actor, places && place(places));
      return viable.length;
    };
    return this.spawning.with([actor.dbId], async () => {
      if (!this.deps.cluster) return growNow();
      // The store's lock is taken only when workers seem missing: a node that sees the pool full
      // (every message of a busy actor asks) does not queue behind the other nodes for the record.
      const seen = await needs();
      if (seen.limit <= seen.viable.length) return seen.viable.length;
      let had = 0;
      await this.ctx.store.update(keys.spawnLock(actor.dbId), async () => ((had = await growNow()), UNCHANGED));
      return had;
    });
  }

  /**
   * The places for workers: alone on the store, this node's; in a cluster, those of every node alive,
   * this one first (its workers counted from its records or its loops, whichever is more). The
   * other nodes' places are read at most once a second (a burst of messages asks at each one); the
   * workers placed on them meanwhile are counted in.
   */
  async places(): Promise<NodePlaces[]> {
    const mine = { id: this.deps.engineId, hostIp: this.ctx.settings.hostIp, capacity: this.ctx.settings.maxWorkersPerNode, used: this.occupied };
    if (!this.deps.cluster) return [mine];
    const now = Date.now();
    if (!this.seen || now - this.seen.at > PLACES_MAX_AGE_MS) this.seen = { at: now, places: await this.deps.nodes.places() };
    const [here, ...others] = this.seen.places;
    return [{ ...mine, used: Math.max(here!.used, mine.used) }, ...others];
  }

  /** In a cluster: listens for other nodes asking this one to stop one of its workers, or to start one recorded here. */
  async listen(): Promise<void> {
    if (!this.deps.cluster) return;
    const unlistenStop = await this.deps.bus.subscribe(STOP_TOPIC, (payload) => {
      const { workerId, kill } = payload as { workerId: string; kill: boolean };
      void this.loops.get(workerId)?.stop(kill);
    });
    const unlistenStart = await this.deps.bus.subscribe(START_TOPIC, (payload) => {
      const { hostId, key } = payload as { hostId: string; key: string };
      if (hostId === this.deps.engineId) void this.adopt(key).catch((e: Error) => this.ctx.log.error({ err: e }, 'could not start a worker asked for'));
    });
    this.unlisten = async () => {
      await unlistenStop();
      await unlistenStart();
    };
  }

  /**
   * Starts the loop of a worker another node recorded here (see `start`). A request that never comes
   * leaves a record with no loop: this node's health check takes it for a dead worker's.
   */
  private async adopt(key: string): Promise<void> {
    const worker = await this.ctx.store.get<Worker>(key);
    if (this.closed || !worker || worker.hostId !== this.deps.engineId || this.loops.has(worker.id)) return;
    const loop = new WorkerLoop(this.ctx, this.deps, this, worker);
    this.loops.set(worker.id, loop);
    void loop.run().finally(() => this.loops.delete(worker.id));
  }

  /**
   * Creates a worker record (REQUESTED) on node `host` (default: this one) and starts it: here in the background, or
   * on another node by a word on the bus.
   */
  private async start(actor: Actor, host?: NodePlaces): Promise<Worker> {
    const now = this.ctx.now().toISOString();
    const id = newId();
    const worker: Worker = {
      id,
      tenant: actor.tenant,
      actorId: actor.id,
      status: 'REQUESTED',
      statusMessage: '',
      revision: actor.revision,
      image: actor.image,
      location: this.deps.runtime.name,
      cid: null,
      chName: `worker_${id}`,
      hostId: host?.id ?? this.deps.engineId,
      hostIp: host?.hostIp ?? this.ctx.settings.hostIp,
      createTime: now,
      lastExecutionTime: null,
      lastHealthCheckTime: now,
    };
    if (this.closed) return worker;
    const key = keys.worker(actor.tenant, actor.id, id);
    if (worker.hostId !== this.deps.engineId) {
      await this.ctx.store.batch([{ type: 'put', key, value: worker }]);
      await this.deps.bus.publish(START_TOPIC, { hostId: worker.hostId, key });
      return worker;
    }
    // Alive before its record exists, so that a health check never takes it for a dead one.
    const loop = new WorkerLoop(this.ctx, this.deps, this, worker);
    this.loops.set(id, loop);
    await this.ctx.store.batch([{ type: 'put', key, value: worker }]);
    void loop.run().finally(() => this.loops.delete(id));
    return worker;
  }

  /**
   * Stops a worker of this process that runs no execution, and returns true (a message it is
   * leasing right now goes back to the head of the queue); false when it is running one, already
   * stopping, or not here.
   */
  async retireIdle(actor: Actor, workerId: string): Promise<boolean> {
    const loop = this.loops.get(workerId);
    if (!loop?.available) return false;
    void loop.stop();
    await this.setStatus(actor, workerId, 'SHUTDOWN_REQUESTED');
    return true;
  }

  /**
   * Workers of this process that hold a place on the node: all but those stopping with nothing
   * left to run (they are gone in a moment).
   */
  get occupied(): number {
    let n = 0;
    for (const loop of this.loops.values()) if (!loop.leaving) n++;
    return n;
  }

  /** Asks a worker to stop after its current execution; its record goes once it has. */
  async stop(actor: Actor, workerId: string): Promise<void> {
    // The loop is told first, so it leases nothing more meanwhile (its BUSY and READY never cover the request: `recordStatus`).
    const loop = this.loops.get(workerId);
    void loop?.stop();
    const worker = await this.setStatus(actor, workerId, 'SHUTDOWN_REQUESTED');
    if (!loop) await this.stopElsewhere(actor, workerId, worker, false);
  }

  /**
   * Stops every worker of an actor, and waits for those of this node; with `kill`, running
   * containers are killed. Those of other nodes are asked to stop.
   */
  async stopAll(actor: Actor, options: { kill: boolean }): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const worker of await this.list(actor)) {
      const loop = this.loops.get(worker.id);
      if (loop) stopping.push(loop.stop(options.kill));
      else await this.stopElsewhere(actor, worker.id, worker, options.kill);
    }
    await Promise.all(stopping);
  }

  /** A worker with no loop here: in a cluster, another node's is asked to stop by its node; else its record is a dead worker's, and goes. */
  private async stopElsewhere(actor: Actor, workerId: string, worker: Worker | undefined, kill: boolean): Promise<void> {
    if (this.deps.cluster && worker && worker.hostId !== this.deps.engineId) await this.deps.bus.publish(STOP_TOPIC, { workerId, kill });
    else await this.remove(actor, workerId);
  }

  /** Retires the workers of older revisions (after an image update): each finishes what it runs. */
  async retireOld(actor: Actor): Promise<void> {
    for (const worker of await this.viable(actor)) if (worker.revision < actor.revision) await this.stop(actor, worker.id);
  }

  /** Whether a worker runs in this engine process (its leases are live). */
  isAlive(workerId: string): boolean {
    return this.loops.has(workerId);
  }

  /** Stops every loop; running executions finish first (or are killed with `kill`). */
  async close(kill = false): Promise<void> {
    this.closed = true;
    await this.unlisten();
    await Promise.all([...this.loops.values()].map((loop) => loop.stop(kill)));
  }

  async setStatus(actor: Pick<Actor, 'tenant' | 'id'>, workerId: string, status: WorkerStatus, fields: Partial<Worker> = {}): Promise<Worker | undefined> {
    return this.ctx.store.update<Worker>(keys.worker(actor.tenant, actor.id, workerId), (w) => (w ? { ...w, ...fields, status } : undefined));
  }

  async remove(actor: Pick<Actor, 'tenant' | 'id'>, workerId: string): Promise<void> {
    await this.ctx.store.batch([{ type: 'del', key: keys.worker(actor.tenant, actor.id, workerId) }]);
  }

  /** Sets an actor's status (and message), publishing ACTOR_READY / ACTOR_ERROR when it changes to one. */
  async setActorStatus(actor: Actor, status: ActorStatus, statusMessage = ''): Promise<void> {
    let changed = false;
    const stored = await this.ctx.store.update<Actor>(keys.actor(actor.tenant, actor.id), (a) => {
      if (!a || a.revision !== actor.revision) return a; // deleted, or updated meanwhile: leave it
      changed = a.status !== status;
      return { ...a, status, statusMessage };
    });
    if (!changed || !stored) return;
    if (status === 'READY') this.deps.events.actorStatus(stored, 'ACTOR_READY');
    if (status === 'ERROR') this.deps.events.actorStatus(stored, 'ACTOR_ERROR', statusMessage);
  }
}

/** One worker's life in this process. */
class WorkerLoop {
  private running = false;
  private stopping = false;
  private wake: (() => void) | null = null;
  private done: Promise<void> = Promise.resolve();
  private killRunning: (() => Promise<void>) | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: WorkerPoolDeps,
    private readonly pool: WorkerPool,
    private readonly worker: Worker,
  ) {}

  run(): Promise<void> {
    this.done = this.life().catch((e: Error) => this.ctx.log.error({ err: e, worker: this.worker.id }, 'worker failed'));
    return this.done;
  }

  /** Running no execution, and not stopping. */
  get available(): boolean {
    return !this.running && !this.stopping;
  }

  /** Stopping, with no execution left to finish. */
  get leaving(): boolean {
    return this.stopping && !this.running;
  }

  stop(kill = false): Promise<void> {
    this.stopping = true;
    if (kill) void this.killRunning?.();
    this.wake?.();
    return this.done;
  }

  private async life(): Promise<void> {
    const { worker } = this;
    const actorRef = { tenant: worker.tenant, id: worker.actorId };
    let actor = await this.actor();
    if (!actor) return this.pool.remove(actorRef, worker.id);
    // A record gone already (its node's health check took it for a dead worker's before it started) ends the worker.
    for (const status of ['SPAWNER SETUP', 'PULLING IMAGE'] as const) if (!(await this.pool.setStatus(actorRef, worker.id, status))) return;
    try {
      await this.deps.runtime.ensureImage(actor.image);
    } catch (e) {
      const message = (e as Error).message;
      await this.pool.setStatus(actorRef, worker.id, 'ERROR', { statusMessage: message });
      // gone before the actor shows ERROR: whoever sees the actor's error sees no worker left
      await this.pool.remove(actorRef, worker.id);
      await this.pool.setActorStatus(actor, 'ERROR', message);
      return;
    }
    await this.pool.setStatus(actorRef, worker.id, 'CREATING CONTAINER');
    await this.pool.setStatus(actorRef, worker.id, 'READY');
    await this.pool.setActorStatus(actor, 'READY');
    const unsubscribe = await this.deps.bus.subscribe(topics.inbox(actor.dbId), () => this.wake?.());
    let startFailures = 0;
    try {
      while (!this.stopping) {
        const next = await this.next().catch((e: Error) => {
          // The store away for a moment (a database restart): look again after the poll interval.
          this.ctx.log.warn({ err: e, worker: worker.id }, 'could not look for the next message');
          return 'retry' as const;
        });
        if (next === 'retry') {
          await this.idle();
          continue;
        }
        if (!next) break;
        const { lease } = next;
        actor = next.actor;
        if (!lease) {
          await this.idle();
          continue;
        }
        if (this.stopping) {
          await this.deps.inbox.release(actor.dbId, lease);
          break;
        }
        this.running = true;
        // BUSY is written while the execution starts (it goes first on the worker's record).
        const busy = this.recordStatus('BUSY');
        busy.catch(() => {}); // seen by the await below
        const running = this.deps.runner.run(actor, worker.id, lease);
        this.killRunning = () => this.deps.bus.publish(topics.halt(actor!.dbId, lease.message.executionId), null);
        const stopBeating = this.keepLease(actor.dbId, lease);
        const { outcome, cid } = await running.finally(stopBeating);
        await busy;
        this.killRunning = null;
        this.running = false;
        // A worker asked to stop while it ran is on its way out, not ready for another message.
        const recorded = await this.recordStatus('READY', { lastExecutionTime: this.ctx.now().toISOString(), ...(cid === undefined ? {} : { cid }) });
        // Its record is gone: the reaper settled it while this node stalled, and has had it replaced.
        if (!recorded) break;
        startFailures = outcome === 'start-failed' ? startFailures + 1 : 0;
        if (startFailures >= this.ctx.settings.maxStartFailures) {
          await this.pool.setActorStatus(actor, 'ERROR', `The actor's containers failed to start ${startFailures} times in a row; see the logs of its last executions.`);
          break;
        }
      }
    } finally {
      await unsubscribe();
      await this.pool.setStatus(actorRef, worker.id, 'SHUTTING_DOWN');
      await this.pool.remove(actorRef, worker.id);
    }
  }

  /**
   * Writes the status the loop is in (BUSY, READY), unless it is stopping or a stop was asked on its
   * record (by another node, whose word over the bus may come later, or be lost): then the record
   * keeps SHUTDOWN_REQUESTED and the loop stops after what it runs. Answers the record (undefined: gone).
   */
  private async recordStatus(status: 'BUSY' | 'READY', fields: Partial<Worker> = {}): Promise<Worker | undefined> {
    const key = keys.worker(this.worker.tenant, this.worker.actorId, this.worker.id);
    const stored = await this.ctx.store.update<Worker>(key, (w) =>
      w ? { ...w, ...fields, status: this.stopping || w.status === 'SHUTDOWN_REQUESTED' ? 'SHUTDOWN_REQUESTED' : status } : undefined,
    );
    if (stored?.status === 'SHUTDOWN_REQUESTED') this.stopping = true;
    return stored;
  }

  /**
   * Extends the lease every heartbeat while its execution runs; returns what stops it. A lease
   * taken back meanwhile (the execution was settled as lost) gets its container killed: its end
   * would not be recorded. An extension that fails (the database away) is tried again at the next beat.
   */
  private keepLease(inbox: string, lease: Lease): () => void {
    const { heartbeatIntervalMs, leaseTtlMs } = this.ctx.settings;
    let beating: Promise<unknown> = Promise.resolve();
    let stopped = false;
    const timer = setInterval(() => {
      beating = beating.then(async () => {
        // A lease no longer held once the execution ended was acknowledged by its own run.
        if (stopped || (await this.deps.inbox.extend(inbox, lease, leaseTtlMs)) || stopped) return;
        clearInterval(timer);
        this.ctx.log.warn({ worker: this.worker.id, execution: lease.message.executionId }, 'the lease of a running execution was taken back: killing its container');
        await this.killRunning?.();
      }).catch((e: Error) => this.ctx.log.warn({ err: e, worker: this.worker.id }, 'could not extend a lease'));
    }, heartbeatIntervalMs);
    timer.unref();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }

  /** The actor as it is now and its next message; undefined when this worker should stop (the actor is gone, changed or failed). */
  private async next(): Promise<{ actor: Actor; lease: Lease | undefined } | undefined> {
    const actor = await this.actor();
    if (!actor || actor.revision !== this.worker.revision || actor.status === 'ERROR' || actor.status === 'SHUTTING_DOWN') return undefined;
    // A stateful actor's messages run one at a time across the cluster: the inbox leases them exclusively.
    return { actor, lease: await this.deps.inbox.lease(actor.dbId, this.worker.id, { exclusive: !actor.stateless, ttlMs: this.ctx.settings.leaseTtlMs }) };
  }

  private actor(): Promise<Actor | undefined> {
    return this.ctx.store.get<Actor>(keys.actor(this.worker.tenant, this.worker.actorId));
  }

  /** Waits for a message notification, or the poll interval (a missed notification only delays). */
  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.ctx.settings.workerPollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}

/**
 * Where the next worker goes: this node (the first of `places`) while it has room, else the node
 * with the most room, else (no node has room: an actor's first worker is never held back) this one.
 * The place is counted as used.
 */
function place(places: NodePlaces[]): NodePlaces {
  const free = (p: NodePlaces) => p.capacity - p.used;
  const chosen = free(places[0]!) > 0 ? places[0]! : places.reduce((best, p) => (free(p) > free(best) ? p : best));
  const host = free(chosen) > 0 ? chosen : places[0]!;
  host.used++;
  return host;
}
