import type { Identity } from '../auth/identity.js';
import { parseLevel } from '../auth/levels.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError } from '../errors.js';
import { keys, type PermissionKind } from '../store/keys.js';
import { authorize, readPermissions, type Permissions, type Resource } from './access.js';

/** A resource whose permissions are being read or changed, once found by its service. */
export interface Shared {
  kind: PermissionKind;
  name: string;
  owner: string;
  /** The resource, as the policy sees it. */
  resource: Resource;
}

export async function listPermissions(ctx: EngineContext, who: Identity, target: Shared): Promise<Permissions> {
  await authorize(ctx, who, `${target.kind}.permissions.read`, target.resource);
  return readPermissions(ctx, who.tenant, target.kind, target.name);
}

/** Grants `level` to `user` (NONE removes the grant). Needs UPDATE; the owner's grant never changes. */
export async function grantPermission(ctx: EngineContext, who: Identity, target: Shared, input: { user?: unknown; level?: unknown }): Promise<Permissions> {
  await authorize(ctx, who, `${target.kind}.permissions.grant`, target.resource);
  if (typeof input.user !== 'string' || input.user.trim() === '') {
    throw new BadRequestError("Invalid permission description: {'user': 'is required: the user to grant the level to.'}");
  }
  const user = input.user.trim();
  const level = parseLevel(input.level);
  if (user === target.owner) throw new BadRequestError(`Invalid permission description: the owner (${user}) always holds UPDATE.`);
  const stored = await ctx.store.update<Permissions>(keys.permissions(who.tenant, target.kind, target.name), (current = {}) => {
    const next = { ...current };
    if (level === 'NONE') delete next[user];
    else next[user] = level;
    return next;
  });
  return stored ?? {};
}

/** The permissions record a new resource starts with: its owner holds UPDATE. */
export function ownerPermissions(tenant: string, kind: PermissionKind, name: string, owner: string) {
  return { type: 'put' as const, key: keys.permissions(tenant, kind, name), value: { [owner]: 'UPDATE' } satisfies Permissions };
}
