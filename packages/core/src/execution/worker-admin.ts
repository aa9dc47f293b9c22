import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { NotFoundError } from '../errors.js';
import type { Actor } from '../model/actor.js';
import type { Worker } from '../model/worker.js';
import { reachActor } from '../registry/access.js';
import type { WorkerPool } from './workers.js';

/** The workers API: list and read (READ), start more (admins only), stop one (UPDATE). */
export class WorkerAdmin {
  constructor(
    private readonly ctx: EngineContext,
    private readonly pool: WorkerPool,
  ) {}

  async list(who: Identity, identifier: string): Promise<{ actor: Actor; workers: Worker[] }> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'actor.read');
    return { actor, workers: await this.pool.list(actor) };
  }

  async get(who: Identity, identifier: string, workerId: string): Promise<Worker> {
    const { actor, workers } = await this.list(who, identifier);
    const worker = workers.find((w) => w.id === workerId);
    if (!worker) throw new NotFoundError(`No worker found with id ${workerId} for actor ${actor.id}.`);
    return worker;
  }

  /** Makes sure an actor has `num` workers; returns how many it had before. Admins only. */
  async ensure(who: Identity, identifier: string, num: number): Promise<{ actor: Actor; before: number; started: number }> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'workers.create');
    const before = await this.pool.ensure(actor, num);
    return { actor, before, started: Math.max(0, (actor.stateless ? num : Math.min(num, 1)) - before) };
  }

  /** Stops a worker once its current execution is done. */
  async stop(who: Identity, identifier: string, workerId: string): Promise<void> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'workers.stop');
    await this.get(who, identifier, workerId);
    await this.pool.stop(actor, workerId);
  }
}
