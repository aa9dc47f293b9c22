import { BadRequestError } from '../errors.js';
import type { Level } from './levels.js';

/**
 * Roles, from most to least powerful:
 * - admin: sees and changes everything in its tenant;
 * - privileged: may set privileged, maxWorkers, maxCpus, memLimit, useContainerUid and queue;
 * - user: registers and runs actors;
 * - limited: upstream's throttled users: like user.
 */
export type Role = 'admin' | 'privileged' | 'user' | 'limited';
export const ROLES: readonly Role[] = ['admin', 'privileged', 'user', 'limited'];

/** What a redeemed nonce allows: one actor (or one alias) at most at one level. */
export interface NonceScope {
  id: string;
  level: Level;
  actorId: string | null;
  alias: string | null;
}

/** Who is calling. Every operation of the engine takes one. */
export interface Identity {
  user: string;
  tenant: string;
  roles: Role[];
  /** Set when the caller authenticated with a nonce: it acts as the nonce's owner within this scope. */
  nonce?: NonceScope;
}

const TENANT = /^[A-Za-z0-9_.-]{1,64}$/;
const USER = /^[^\s/]{1,256}$/;

/** A value for an error message: strings quoted, anything else by its type. */
const describe = (value: unknown): string => (typeof value === 'string' ? `'${value.slice(0, 80)}'` : value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * Builds a checked identity: user and tenant must be non-empty strings of the allowed characters
 * (tenants name key ranges of the store, so theirs are limited) and roles an array of known roles.
 * Anything else (undefined, numbers, objects from untrusted JSON) is refused.
 */
export function identity(user: string, tenant: string, roles: Role[] = ['user']): Identity {
  if (typeof tenant !== 'string' || !TENANT.test(tenant)) throw new BadRequestError(`Invalid tenant ${describe(tenant)}: use 1 to 64 letters, digits, '_', '.' or '-'.`);
  if (typeof user !== 'string' || !USER.test(user)) throw new BadRequestError(`Invalid user name ${describe(user)}: a non-empty string of at most 256 characters, no spaces or '/'.`);
  if (!Array.isArray(roles)) throw new BadRequestError(`Invalid roles ${describe(roles)}: roles are a list of ${ROLES.join(', ')}.`);
  for (const role of roles) if (typeof role !== 'string' || !ROLES.includes(role)) throw new BadRequestError(`Invalid role ${describe(role)}: roles are ${ROLES.join(', ')}.`);
  return { user, tenant, roles: [...roles] };
}

export const isAdmin = (who: Identity): boolean => who.roles.includes('admin');
export const isPrivileged = (who: Identity): boolean => isAdmin(who) || who.roles.includes('privileged');
