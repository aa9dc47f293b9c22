import { isAdmin, type Identity } from '../auth/identity.js';
import { highest, WORLD, type Level } from '../auth/levels.js';
import { enforce, POLICY, type Action } from '../auth/policy.js';
import type { EngineContext } from '../engine/context.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { isId } from '../ids.js';
import { isPrivilegedActor, type Actor } from '../model/actor.js';
import type { Alias } from '../model/alias.js';
import type { ActorConfig } from '../model/config.js';
import { keys, type PermissionKind } from '../store/keys.js';

/** A resource's permissions: user name to level. */
export type Permissions = Record<string, Level>;

export async function readPermissions(ctx: EngineContext, tenant: string, kind: PermissionKind, name: string): Promise<Permissions> {
  return (await ctx.store.get<Permissions>(keys.permissions(tenant, kind, name))) ?? {};
}

/** The level a caller holds on a resource: admin holds UPDATE; everyone else their own or the world's grant. */
export async function levelOf(ctx: EngineContext, who: Identity, kind: PermissionKind, name: string): Promise<Level> {
  return isAdmin(who) ? 'UPDATE' : grantedLevel(ctx, who, kind, name);
}

/** The level the grants on a resource give a caller (its own or the world's), whatever its roles. */
export async function grantedLevel(ctx: EngineContext, who: Identity, kind: PermissionKind, name: string): Promise<Level> {
  const permissions = await readPermissions(ctx, who.tenant, kind, name);
  return highest(Object.hasOwn(permissions, who.user) ? permissions[who.user] : undefined, permissions[WORLD]);
}

/** An actor reached through an identifier: its record, and the alias used, if any. */
export interface Reached {
  actor: Actor;
  alias: Alias | null;
}

/** What an action is asked on, once found in the caller's tenant. */
export type Resource =
  | ({ kind: 'actor' } & Reached)
  | { kind: 'alias'; alias: Alias }
  | { kind: 'config'; config: ActorConfig }
  | { kind: 'tenant' };

/**
 * Asks the policy (`auth/policy.ts`) whether `who` may do `action` on `resource`, from the facts in
 * the store: the level held, whether a nonce was made for this resource, whether the actor is
 * privileged. Throws the refusal (403). Every operation of the engine calls this before acting.
 */
export async function authorize(ctx: EngineContext, who: Identity, action: Action, resource: Resource): Promise<void> {
  const on = POLICY[action].on;
  if (on !== resource.kind) throw new Error(`The action ${action} is on a ${on}, not a ${resource.kind}.`);
  const scope = who.nonce;
  if (resource.kind === 'tenant') return enforce(who, action, { held: 'NONE', nonceFits: false, privilegedActor: false });
  if (resource.kind === 'actor') {
    const { actor, alias } = resource;
    const nonceFits = scope !== undefined && (scope.alias !== null ? alias?.alias === scope.alias : actor.id === scope.actorId);
    return enforce(who, action, { held: await levelOf(ctx, who, 'actor', actor.id), nonceFits, privilegedActor: isPrivilegedActor(actor) });
  }
  if (resource.kind === 'alias') {
    const name = resource.alias.alias;
    return enforce(who, action, { held: await levelOf(ctx, who, 'alias', name), nonceFits: scope?.alias === name, privilegedActor: false });
  }
  return enforce(who, action, { held: await levelOf(ctx, who, 'config', resource.config.name), nonceFits: false, privilegedActor: false });
}

/** Whether `authorize` would let `who` do `action` (for filtering lists). */
export async function allowed(ctx: EngineContext, who: Identity, action: Action, resource: Resource): Promise<boolean> {
  try {
    await authorize(ctx, who, action, resource);
    return true;
  } catch (e) {
    if (e instanceof ForbiddenError) return false;
    throw e;
  }
}

/** Finds the actor an identifier (an actor id or an alias) names in the caller's tenant. */
export async function resolveActor(ctx: EngineContext, tenant: string, identifier: string): Promise<Reached> {
  const alias = isId(identifier) ? undefined : await ctx.store.get<Alias>(keys.alias(tenant, identifier));
  const actorId = alias ? alias.actorId : identifier;
  const actor = await ctx.store.get<Actor>(keys.actor(tenant, actorId));
  if (!actor) throw new NotFoundError(`Actor with identifier '${identifier}' not found`);
  return { actor, alias: alias ?? null };
}

/** Resolves an identifier (actor id or alias) in the caller's tenant and authorizes `action` on the actor. */
export async function reachActor(ctx: EngineContext, who: Identity, identifier: string, action: Action): Promise<Reached> {
  const reached = await resolveActor(ctx, who.tenant, identifier);
  await authorize(ctx, who, action, { kind: 'actor', ...reached });
  return reached;
}
