import { isAdmin, type Identity } from '../auth/identity.js';
import { atLeast, highest, WORLD, type Level } from '../auth/levels.js';
import type { EngineContext } from '../engine/context.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { isId } from '../ids.js';
import type { Actor } from '../model/actor.js';
import type { Alias } from '../model/alias.js';
import { keys, type PermissionKind } from '../store/keys.js';

/** A resource's permissions: user name to level. */
export type Permissions = Record<string, Level>;

export async function readPermissions(ctx: EngineContext, tenant: string, kind: PermissionKind, name: string): Promise<Permissions> {
  return (await ctx.store.get<Permissions>(keys.permissions(tenant, kind, name))) ?? {};
}

/** The level a caller holds on a resource: admin holds UPDATE; everyone else their own or the world's grant. */
async function levelOf(ctx: EngineContext, who: Identity, kind: PermissionKind, name: string): Promise<Level> {
  if (isAdmin(who)) return 'UPDATE';
  const permissions = await readPermissions(ctx, who.tenant, kind, name);
  return highest(permissions[who.user], permissions[WORLD]);
}

export async function hasLevel(ctx: EngineContext, who: Identity, kind: PermissionKind, name: string, needed: Level): Promise<boolean> {
  return atLeast(await levelOf(ctx, who, kind, name), needed);
}

/** An actor reached through an identifier: its record, and the alias used, if any. */
export interface Reached {
  actor: Actor;
  alias: Alias | null;
}

/** Finds the actor an identifier (an actor id or an alias) names in the caller's tenant. */
export async function resolveActor(ctx: EngineContext, tenant: string, identifier: string): Promise<Reached> {
  const alias = isId(identifier) ? undefined : await ctx.store.get<Alias>(keys.alias(tenant, identifier));
  const actorId = alias ? alias.actorId : identifier;
  const actor = await ctx.store.get<Actor>(keys.actor(tenant, actorId));
  if (!actor) throw new NotFoundError(`Actor with identifier '${identifier}' not found`);
  return { actor, alias: alias ?? null };
}

/**
 * Resolves an identifier and checks that the caller holds `needed` on the actor (and, when a nonce
 * is in use, that the nonce is for this actor or alias). Refusals use the upstream texts.
 */
export async function reachActor(ctx: EngineContext, who: Identity, identifier: string, needed: Level): Promise<Reached> {
  const reached = await resolveActor(ctx, who.tenant, identifier);
  checkNonceScope(who, reached);
  if (!(await hasLevel(ctx, who, 'actor', reached.actor.id, needed))) {
    throw new ForbiddenError('Not authorized -- you do not have access to this actor.');
  }
  return reached;
}

/** A nonce made for an actor works for that actor only; one made for an alias, through that alias only. */
export function checkNonceScope(who: Identity, reached: Reached): void {
  const scope = who.nonce;
  if (!scope) return;
  const fits = scope.alias !== null ? reached.alias?.alias === scope.alias : reached.actor.id === scope.actorId;
  if (!fits) throw new ForbiddenError('Not authorized -- this nonce is not valid for this actor or alias.');
}

/** Refuses callers that authenticated with a nonce, for operations outside any one actor. */
export function refuseNonce(who: Identity): void {
  if (who.nonce) throw new ForbiddenError('Not authorized -- a nonce only works for the actor or alias it was made for.');
}
