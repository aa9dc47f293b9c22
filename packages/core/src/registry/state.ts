import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { Actor } from '../model/actor.js';
import { keys } from '../store/keys.js';
import { reachActor } from './access.js';

/** The state of stateful actors: any JSON value, read at the start of each execution. */
export class StateStore {
  constructor(private readonly ctx: EngineContext) {}

  async get(who: Identity, identifier: string): Promise<{ actor: Actor; state: unknown }> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'actor.read');
    if (actor.stateless) throw new NotFoundError('actor is stateless.');
    return { actor, state: await this.current(actor) };
  }

  /** Replaces the state; refused for stateless actors with upstream's 404 "actor is stateless.". */
  async set(who: Identity, identifier: string, state: unknown): Promise<Actor> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'state.write');
    if (actor.stateless) throw new NotFoundError('actor is stateless.');
    if (state === undefined || !isJson(state)) {
      throw new BadRequestError('Invalid actor state description: state must be JSON serializable.');
    }
    await this.ctx.store.batch([{ type: 'put', key: keys.state(who.tenant, actor.id), value: { state } }]);
    return actor;
  }

  /**
   * Changes the state atomically from its current value: concurrent calls never lose an update
   * (the engine-side form of agavepy's `update_state`).
   */
  async modify(who: Identity, identifier: string, fn: (state: unknown) => unknown): Promise<unknown> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'state.write');
    if (actor.stateless) throw new NotFoundError('actor is stateless.');
    const stored = await this.ctx.store.update<{ state: unknown }>(keys.state(actor.tenant, actor.id), (record) => {
      const state = fn(record === undefined ? {} : record.state);
      if (state === undefined || !isJson(state)) {
        throw new BadRequestError('Invalid actor state description: state must be JSON serializable.');
      }
      return { state };
    });
    return stored!.state;
  }

  async current(actor: Actor): Promise<unknown> {
    const record = await this.ctx.store.get<{ state: unknown }>(keys.state(actor.tenant, actor.id));
    return record === undefined ? {} : record.state;
  }
}

function isJson(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}
