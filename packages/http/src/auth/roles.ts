import { ROLES, type Role } from '@abaco/core';
import type { TokenUser } from '../options.js';

/** Upstream role names (v2's WSO2 roles, v3's Security Kernel roles) and ours. */
const ROLE_NAMES = new Map<string, Role>([
  ['Internal/abaco-admin', 'admin'],
  ['Internal/abaco-privileged', 'privileged'],
  ['Internal/abaco-user', 'user'],
  ['Internal/abaco-limited', 'limited'],
  ['abaco_admin', 'admin'],
  ['abaco_privileged', 'privileged'],
  ...ROLES.map((role): [string, Role] => [role, role]),
]);

/** Our roles in a list of role names (upstream's or ours); `user` when none is ours. */
export function mapRoles(names: string[]): Role[] {
  const roles = new Set<Role>();
  for (const name of names) {
    const role = ROLE_NAMES.get(name.trim());
    if (role) roles.add(role);
  }
  return roles.size > 0 ? [...roles] : ['user'];
}

const key = (user: string, tenant: string) => `${user}@${tenant}`;

/**
 * The roles of identities whose tokens carry none (Tapis v3 tokens: upstream asked its Security
 * Kernel). A roles file maps `user@tenant` to role names; a user it doesn't list takes the roles
 * the users file gives the same user and tenant, else `user`. Names match exactly, tenant case
 * included. The roles file is checked when the table is built: an entry that is not
 * `user@tenant` or names an unknown role stops the server.
 */
export class RoleTable {
  private readonly listed = new Map<string, Role[]>();
  private readonly fromUsers = new Map<string, Set<Role>>();

  constructor(roles: Record<string, string[]>, tokens: Record<string, TokenUser>) {
    for (const [who, names] of Object.entries(roles)) {
      const where = `roles file, entry ${JSON.stringify(who.slice(0, 80))}`;
      const at = who.lastIndexOf('@');
      if (at <= 0 || at === who.length - 1) throw new Error(`${where}: expected "user@tenant" (the sub of the user's Tapis token).`);
      if (!Array.isArray(names)) throw new Error(`${where}: expected a list of role names, such as ["abaco_admin"].`);
      const mapped = names.map((name) => {
        const role = typeof name === 'string' ? ROLE_NAMES.get(name) : undefined;
        if (!role) throw new Error(`${where}: unknown role ${JSON.stringify(name)} (known: ${[...ROLE_NAMES.keys()].join(', ')}).`);
        return role;
      });
      this.listed.set(who, mapped.length > 0 ? [...new Set(mapped)] : ['user']);
    }
    for (const entry of Object.values(tokens)) {
      const held = this.fromUsers.get(key(entry.user, entry.tenant)) ?? new Set<Role>();
      for (const role of entry.roles) held.add(role);
      this.fromUsers.set(key(entry.user, entry.tenant), held);
    }
  }

  /** The roles of a user of a tenant. */
  of(user: string, tenant: string): Role[] {
    const listed = this.listed.get(key(user, tenant));
    if (listed) return [...listed];
    const fromUsers = this.fromUsers.get(key(user, tenant));
    return fromUsers && fromUsers.size > 0 ? [...fromUsers] : ['user'];
  }
}
