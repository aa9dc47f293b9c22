import { ForbiddenError } from '../errors.js';
import { isAdmin, isPrivileged, type Identity } from './identity.js';
import { atLeast, type Level } from './levels.js';

/** What an action is done to: one actor, alias or config, or the caller's tenant as a whole. */
export type ResourceKind = 'actor' | 'alias' | 'config' | 'tenant';

/** One row of the policy: who may do an action, to what, and with what. */
export interface Rule {
  on: ResourceKind;
  /** The permission level the caller must hold on the resource (none for tenant-wide actions). */
  level: Level | null;
  /** The roles that may do it at all: any role (admin, privileged, user, limited), or admins only. */
  roles: 'any' | 'admin';
  /**
   * Whether a nonce may stand in for its owner: only a nonce made for this very resource, at `level`
   * or above. Nonces never act on nonces, permissions, aliases' targets, configs or tenant-wide lists.
   */
  nonce: boolean;
  /** Privileged actors (see `isPrivilegedActor`) need the privileged role too. */
  privilegedActor?: boolean;
  /** What a reader of the table is told it is. */
  what: string;
}

const ACTOR = { on: 'actor', roles: 'any' } as const;
const ALIAS = { on: 'alias', roles: 'any' } as const;
const CONFIG = { on: 'config', roles: 'any', nonce: false } as const;
const TENANT = { on: 'tenant', level: null, nonce: false } as const;

/**
 * The authorization policy of the engine, as one table: every operation of every service (and so
 * every route of the API) names one of these actions, and `authorize` answers from this table only.
 */
export const POLICY = {
  'actors.list': { ...TENANT, roles: 'any', what: 'list the actors one may read' },
  'actors.create': { ...TENANT, roles: 'any', what: 'register an actor (privileged fields: privileged role)' },
  'actors.search': { ...TENANT, roles: 'any', what: 'search the actors, workers, executions and logs of actors one holds a READ grant on (admins too)' },
  'actor.read': { ...ACTOR, level: 'READ', nonce: true, what: 'read an actor, its state, queue length and workers' },
  'actor.update': { ...ACTOR, level: 'UPDATE', nonce: true, privilegedActor: true, what: 'update an actor' },
  'actor.delete': { ...ACTOR, level: 'UPDATE', nonce: true, what: 'delete an actor' },
  'state.write': { ...ACTOR, level: 'UPDATE', nonce: true, what: "replace a stateful actor's state" },
  'messages.send': { ...ACTOR, level: 'EXECUTE', nonce: true, what: 'send a message (run the actor)' },
  'messages.purge': { ...ACTOR, level: 'UPDATE', nonce: true, what: "empty an actor's inbox" },
  'executions.read': { ...ACTOR, level: 'READ', nonce: true, what: 'read executions, their logs and results' },
  'executions.halt': { ...ACTOR, level: 'UPDATE', nonce: true, what: 'halt a running execution' },
  'workers.create': { ...ACTOR, level: 'UPDATE', roles: 'admin', nonce: false, what: 'start workers' },
  'workers.stop': { ...ACTOR, level: 'UPDATE', nonce: true, what: 'stop a worker' },
  'actor.permissions.read': { ...ACTOR, level: 'READ', nonce: false, what: "read an actor's permissions" },
  'actor.permissions.grant': { ...ACTOR, level: 'UPDATE', nonce: false, what: 'grant or revoke a permission on an actor' },
  'actor.share': { ...ACTOR, level: 'UPDATE', nonce: false, what: 'point an alias at an actor, or share a config with it' },
  'actor.nonces.manage': { ...ACTOR, level: 'UPDATE', nonce: false, what: "list, read, create and delete an actor's nonces" },
  'aliases.list': { ...TENANT, roles: 'any', what: 'list the aliases one may read' },
  'aliases.create': { ...TENANT, roles: 'any', what: 'create an alias (also needs UPDATE on the actor)' },
  'alias.read': { ...ALIAS, level: 'READ', nonce: true, what: 'read an alias' },
  'alias.update': { ...ALIAS, level: 'UPDATE', nonce: false, what: 'point an alias at another actor (also needs UPDATE on it)' },
  'alias.delete': { ...ALIAS, level: 'UPDATE', nonce: false, what: 'delete an alias' },
  'alias.permissions.read': { ...ALIAS, level: 'READ', nonce: false, what: "read an alias's permissions" },
  'alias.permissions.grant': { ...ALIAS, level: 'UPDATE', nonce: false, what: 'grant or revoke a permission on an alias' },
  'alias.nonces.manage': { ...ALIAS, level: 'UPDATE', nonce: false, what: "list, read, create and delete an alias's nonces (also needs UPDATE on its actor)" },
  'configs.list': { ...TENANT, roles: 'any', what: 'list the configs one may read' },
  'configs.create': { ...TENANT, roles: 'any', what: 'create a config (also needs UPDATE on each actor named)' },
  'config.read': { ...CONFIG, level: 'READ', what: 'read a config (secrets stay encrypted)' },
  'config.update': { ...CONFIG, level: 'UPDATE', what: 'change a config' },
  'config.delete': { ...CONFIG, level: 'UPDATE', what: 'delete a config' },
  'config.permissions.read': { ...CONFIG, level: 'READ', what: "read a config's permissions" },
  'config.permissions.grant': { ...CONFIG, level: 'UPDATE', what: 'grant or revoke a permission on a config' },
  'actors.stats': { ...TENANT, roles: 'any', what: 'read activity per minute (messages, executions, durations, workers) of the actors one may read executions of' },
  'tenant.utilization': { ...TENANT, roles: 'any', what: "read the tenant's utilization" },
  'tenant.admin': { ...TENANT, roles: 'admin', what: 'admin reports, the dashboard, a cron pass' },
  'nodes.list': { ...TENANT, roles: 'admin', what: "list the nodes sharing the store: heartbeat, capacity, workers (all tenants'), leader" },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof POLICY;

/** What the policy needs to know about the resource and the caller's standing on it. */
export interface Facts {
  /** The level the caller (or a nonce's owner) holds on the resource now; admins hold UPDATE. */
  held: Level;
  /** For a nonce caller: whether the resource is the one the nonce was made for. */
  nonceFits: boolean;
  /** Whether the actor is privileged or has privileged fields set. */
  privilegedActor: boolean;
}

/** A refusal: the status class and the text the caller is shown. */
export interface Refusal {
  reason: 'role' | 'nonce' | 'level';
  message: string;
}

const NO_ACCESS: Record<ResourceKind, string> = {
  actor: 'Not authorized -- you do not have access to this actor.',
  alias: 'Not authorized -- you do not have access to this alias.',
  config: 'You do not have sufficient access to this actor config.',
  tenant: 'Not authorized.',
};

/**
 * Decides one request from the table: roles first, then the nonce's confinement, then the level
 * held. Pure: `authorize` and the authorization matrix test both use it.
 */
export function decide(who: Identity, action: Action, facts: Facts): Refusal | null {
  const rule: Rule = POLICY[action];
  if (rule.roles === 'admin' && !isAdmin(who)) {
    return { reason: 'role', message: action === 'workers.create' ? 'Not authorized -- only admins are authorized to update workers.' : 'Abaco Admin role required.' };
  }
  if (who.nonce) {
    if (!rule.nonce) return { reason: 'nonce', message: `Not authorized -- a nonce cannot be used to ${rule.what}.` };
    if (!facts.nonceFits) return { reason: 'nonce', message: 'Not authorized -- this nonce is not valid for this actor or alias.' };
    if (!atLeast(who.nonce.level, rule.level ?? 'NONE')) return { reason: 'nonce', message: 'Nonce does not have sufficient permissions level.' };
  }
  if (rule.level !== null && !atLeast(facts.held, rule.level)) return { reason: 'level', message: NO_ACCESS[rule.on] };
  if (rule.privilegedActor && facts.privilegedActor && !isPrivileged(who)) {
    return { reason: 'role', message: 'Not authorized -- only admins and privileged users can update a privileged actor (or one with privileged fields set).' };
  }
  return null;
}

/** Throws the refusal `decide` gives, as a 403. */
export function enforce(who: Identity, action: Action, facts: Facts): void {
  const refusal = decide(who, action, facts);
  if (refusal) throw new ForbiddenError(refusal.message);
}

/** The policy as a Markdown table, for the README (a test keeps the two in step). */
export function policyTable(): string {
  const roles = { any: 'any', admin: 'admin' } as const;
  const rows = Object.entries(POLICY).map(([action, rule]: [string, Rule]) => {
    const on = rule.on === 'tenant' ? 'tenant' : rule.on;
    const level = rule.level ?? '–';
    const nonce = rule.nonce ? `yes, for this ${rule.on}, level ≥ ${rule.level}` : 'no';
    const extra = rule.privilegedActor ? ' (privileged actors: privileged role)' : '';
    return `| \`${action}\` | ${rule.what} | ${on} | ${level} | ${roles[rule.roles]}${extra} | ${nonce} |`;
  });
  return ['| action | what | on | level needed | roles | nonce |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
