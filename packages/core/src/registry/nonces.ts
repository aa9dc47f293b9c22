import type { Identity } from '../auth/identity.js';
import { atLeast, LEVELS, type Level } from '../auth/levels.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors.js';
import { newId } from '../ids.js';
import { nonceInputSchema, nonceTenant, type Nonce } from '../model/nonce.js';
import type { Actor } from '../model/actor.js';
import type { Alias } from '../model/alias.js';
import { validateInput } from '../model/validate.js';
import { keys } from '../store/keys.js';
import type { BatchOp } from '../store/store.js';
import { allowed, authorize, reachActor, resolveActor } from './access.js';

/** What a nonce is made for: an actor (by id or alias, as a route names it) or an alias itself. */
export type NonceTarget = { actor: string } | { alias: string };

/**
 * Nonces: tokens that stand in for their owner's credentials, for one actor or one alias, at one
 * level, for a limited or unlimited number of uses. Managing them needs UPDATE (on the actor, or on
 * the alias and its actor) and a real identity, never a nonce; execution access tokens are nonces
 * too, but are never listed or shown.
 */
export class NonceRegistry {
  constructor(private readonly ctx: EngineContext) {}

  async create(who: Identity, target: NonceTarget, input: unknown): Promise<Nonce> {
    const { actorId, alias } = await this.reach(who, target);
    const given = validateInput(nonceInputSchema, input, 'Invalid nonce description');
    const allowed: readonly Level[] = alias === null ? LEVELS : LEVELS.filter((l) => l !== 'UPDATE');
    const level = (given.level === undefined ? 'EXECUTE' : String(given.level).toUpperCase()) as Level;
    if (!allowed.includes(level)) {
      throw new BadRequestError(`Invalid nonce description. The level attribute must be one of: (${allowed.map((l) => `'${l}'`).join(', ')})`);
    }
    const maxUses = parseMaxUses(given.maxUses);
    const id = `${who.tenant}_${newId()}`;
    const nonce: Nonce = {
      id,
      tenant: who.tenant,
      owner: who.user,
      roles: [...who.roles],
      level,
      description: (given.description as string | undefined) ?? '',
      actorId: alias === null ? actorId : null,
      alias,
      maxUses,
      currentUses: 0,
      remainingUses: maxUses,
      apiServer: this.ctx.settings.apiServer,
      createTime: this.ctx.now().toISOString(),
      lastUseTime: 'None',
    };
    await this.ctx.store.batch([{ type: 'put', key: keys.nonce(who.tenant, id), value: nonce }]);
    return nonce;
  }

  /**
   * The access token of one execution of an actor with `token: true`: a nonce of the actor's
   * owner for this actor at UPDATE level (enough to update its state), removed when the execution ends.
   */
  async issueExecutionToken(actor: Actor, executionId: string): Promise<string> {
    const id = `${actor.tenant}_${newId()}`;
    const nonce: Nonce = {
      id, tenant: actor.tenant, owner: actor.owner, roles: ['user'], level: 'UPDATE',
      description: `access token of execution ${executionId}`, actorId: actor.id, alias: null,
      maxUses: -1, currentUses: 0, remainingUses: -1, apiServer: actor.apiServer,
      createTime: this.ctx.now().toISOString(), lastUseTime: 'None', executionId,
    };
    await this.ctx.store.batch([{ type: 'put', key: keys.nonce(actor.tenant, id), value: nonce }]);
    return id;
  }

  async revokeExecutionToken(actor: Actor, tokenId: string): Promise<void> {
    await this.ctx.store.batch(this.revokeOps(actor, tokenId));
  }

  /** The write that revokes an execution's access token, for a batch that ends the execution. */
  revokeOps(actor: Actor, tokenId: string): BatchOp[] {
    return [{ type: 'del', key: keys.nonce(actor.tenant, tokenId) }];
  }

  async list(who: Identity, target: NonceTarget): Promise<Nonce[]> {
    const { actorId, alias } = await this.reach(who, target);
    const found: Nonce[] = [];
    for await (const [, nonce] of this.ctx.store.scan<Nonce>(keys.nonces(who.tenant))) {
      if (nonce.executionId !== undefined) continue;
      if (alias !== null ? nonce.alias === alias : nonce.actorId === actorId) found.push(nonce);
    }
    return found.sort((a, b) => a.createTime.localeCompare(b.createTime));
  }

  async get(who: Identity, target: NonceTarget, nonceId: string): Promise<Nonce> {
    return this.find(who, target, nonceId);
  }

  async delete(who: Identity, target: NonceTarget, nonceId: string): Promise<void> {
    await this.find(who, target, nonceId);
    await this.ctx.store.batch([{ type: 'del', key: keys.nonce(who.tenant, nonceId) }]);
  }

  /**
   * Redeems a nonce for one request on `identifier` (an actor id or alias) that needs `needed`.
   * Checks scope and level, then counts the use atomically: concurrent redemptions never exceed
   * maxUses. Returns the identity the request acts as: the owner, with the roles of creation time.
   */
  async redeem(nonceId: string, identifier: string, needed: Level): Promise<Identity> {
    const tenant = nonceTenant(nonceId);
    const key = tenant === undefined ? undefined : keys.nonce(tenant, nonceId);
    const found = key === undefined ? undefined : await this.ctx.store.get<Nonce>(key);
    if (!found || !key) throw new UnauthenticatedError('Nonce does not exist.');
    const fits = found.alias !== null ? identifier === found.alias : await this.namesActor(found.tenant, identifier, found.actorId);
    if (!fits) throw new ForbiddenError('Not authorized -- this nonce is not valid for this actor or alias.');
    const used = await this.ctx.store.update<Nonce>(key, (nonce) => {
      if (!nonce) throw new UnauthenticatedError('Nonce does not exist.');
      if (!atLeast(nonce.level, needed)) throw new ForbiddenError('Nonce does not have sufficient permissions level.');
      if (nonce.remainingUses === 0) throw new ForbiddenError('No remaining uses left for this nonce.');
      return {
        ...nonce,
        currentUses: nonce.currentUses + 1,
        remainingUses: nonce.maxUses === -1 ? -1 : nonce.remainingUses - 1,
        lastUseTime: this.ctx.now().toISOString(),
      };
    });
    return {
      user: used!.owner,
      tenant: used!.tenant,
      roles: [...used!.roles],
      nonce: { id: used!.id, level: used!.level, actorId: used!.actorId, alias: used!.alias },
    };
  }

  private async namesActor(tenant: string, identifier: string, actorId: string | null): Promise<boolean> {
    try {
      return (await resolveActor(this.ctx, tenant, identifier)).actor.id === actorId;
    } catch {
      return false;
    }
  }

  private async find(who: Identity, target: NonceTarget, nonceId: string): Promise<Nonce> {
    const { actorId, alias } = await this.reach(who, target);
    const nonce = await this.ctx.store.get<Nonce>(keys.nonce(who.tenant, nonceId));
    const belongs = nonce !== undefined && nonce.executionId === undefined && (alias !== null ? nonce.alias === alias : nonce.actorId === actorId);
    if (!nonce || !belongs) throw new NotFoundError('Nonce not found.');
    return nonce;
  }

  /** Checks the caller's access for a nonce operation: UPDATE on the actor, or on the alias and its actor. */
  private async reach(who: Identity, target: NonceTarget): Promise<{ actorId: string; alias: string | null }> {
    if ('actor' in target) {
      const { actor } = await reachActor(this.ctx, who, target.actor, 'actor.nonces.manage');
      return { actorId: actor.id, alias: null };
    }
    const alias = await this.ctx.store.get<Alias>(keys.alias(who.tenant, target.alias));
    if (!alias) throw new NotFoundError(`No alias found: ${target.alias}.`);
    const onAlias = { kind: 'alias' as const, alias };
    const onActor = { kind: 'actor' as const, ...(await resolveActor(this.ctx, who.tenant, alias.alias)) };
    if (!who.nonce && !(await allowed(this.ctx, who, 'alias.nonces.manage', onAlias)) && !(await allowed(this.ctx, who, 'actor.nonces.manage', onActor))) {
      throw new ForbiddenError('Not authorized -- you do not have access to this alias and actor.');
    }
    await authorize(this.ctx, who, 'alias.nonces.manage', onAlias);
    await authorize(this.ctx, who, 'actor.nonces.manage', onActor);
    return { actorId: onActor.actor.id, alias: alias.alias };
  }
}

function parseMaxUses(input: unknown): number {
  if (input === undefined || input === '') return -1;
  const n = typeof input === 'number' ? input : /^\s*-?\d+\s*$/.test(String(input)) ? Number(input) : NaN;
  if (!Number.isInteger(n)) throw new BadRequestError('The max uses parameter must be an integer.');
  if (n === 0 || n < -1) throw new BadRequestError('The max uses parameter must be a positive integer or -1 (to denote unlimited uses).');
  return n;
}
