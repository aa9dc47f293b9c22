import type { EngineContext } from '../engine/context.js';
import type { Inbox, Lease } from '../inbox/inbox.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import type { Nonce } from '../model/nonce.js';
import type { Worker } from '../model/worker.js';
import { clearActorEntries, executionTally, indexOps } from '../search/execution-index.js';
import { keys } from '../store/keys.js';
import { Tally } from '../store/tally.js';
import type { UnchangedFor } from '../util/unchanged-for.js';
import type { LogStore } from './logs.js';
import type { BinaryPayloads } from './payloads.js';
import { NODE_LOST, type Runner } from './runner.js';
import type { WorkerPool } from './workers.js';

const LOST = 'The engine stopped while this execution was running; its container was lost.';

/**
 * How old a binary message's bytes must be before a pass after the first may remove them: a message
 * being accepted writes them just before it is queued.
 */
const PAYLOAD_GRACE_MS = 60_000;

export interface RecoveryDeps {
  inbox: Inbox;
  pool: WorkerPool;
  runner: Runner;
  logs: LogStore;
  /** Where binary messages wait for their execution. */
  payloads: BinaryPayloads;
  /** This node's id: its workers' `hostId`. */
  nodeId: string;
  /** Alone on its store: every worker recorded there is this engine's, whichever node id it names. */
  solo: boolean;
}

/** Which workers one pass takes for dead, and what their started executions end with. */
export interface Casualties {
  /** Whether a recorded worker is dead: its leases are settled and its record removed. */
  worker: (worker: Worker) => boolean;
  /** Whether a lease is dead though its holder is not a dead recorded worker (a lapsed lease; alone on the store, any holder not alive). */
  lease: (lease: Lease) => boolean;
  /** The status message of a dead worker's execution that had started. */
  reason: string;
}

/**
 * Brings the records of this node's workers back in line with the workers alive in this process:
 * at start after the engine died (kill -9 included, `atStart`), and then every
 * `healthCheckIntervalMs` as the health check: the node's workers that are not alive are dead, and
 * are settled (see `settle`). Then the bytes of binary messages no longer queued or leased are removed.
 *
 * In a cluster (not `solo`) the pass touches only workers recorded on this node, and the leases
 * and running executions of those: other nodes' workers are theirs to settle, or the reaper's.
 */
export async function recover(ctx: EngineContext, deps: RecoveryDeps, options: { atStart?: boolean } = {}): Promise<void> {
  const { pool, solo, nodeId } = deps;
  const withMessages = await settle(ctx, deps, {
    worker: (worker) => (solo || worker.hostId === nodeId) && !pool.isAlive(worker.id),
    lease: (lease) => solo && !pool.isAlive(lease.holder),
    reason: LOST,
  });
  // At start alone on its store nothing is being written: no grace; in a cluster other nodes may be writing bytes.
  await deps.payloads.sweep(withMessages ?? [], options.atStart && solo ? 0 : PAYLOAD_GRACE_MS);
}

/**
 * The reaper, run by the leader: settles the workers of the nodes taken for lost (`lostNodes`,
 * whose heartbeat stopped) as a node's health check settles its own dead workers, and every lease
 * that lapsed (its holder stopped extending it), whoever holds it: executions they had started end
 * as ERROR "the node running this execution was lost". Tokens and logs are cleaned only when
 * something was dead. A lease is taken for lapsed once its expiry has not moved for a whole time to
 * live by this node's own clock (`expiries`, kept from pass to pass; its holder extends it at every
 * heartbeat): expiries are written by the database's clock, and comparing them with this node's
 * would take a skew between the clocks for a lapse, and a database that was away for longer than a
 * time to live (no extension could be written meanwhile) for the death of every holder.
 */
export async function reap(ctx: EngineContext, deps: RecoveryDeps, lostNodes: ReadonlySet<string>, expiries: UnchangedFor<number>): Promise<void> {
  const look = expiries.round(ctx.now().getTime());
  const lapsed = (lease: Lease) => lease.expiresAt !== null && look(`${lease.seq} ${lease.token}`, lease.expiresAt) >= ctx.settings.leaseTtlMs;
  await settle(ctx, deps, { worker: (worker) => lostNodes.has(worker.hostId), lease: lapsed, reason: NODE_LOST }, { onlyIfDead: true });
}

/**
 * Settles the leases and records of dead workers (`dead`): every message they leased is settled
 * from its execution's status (SUBMITTED: back in the queue, it will run; RUNNING: the execution
 * ends as ERROR, never rerun, since its container may have started and had effects; finished: the
 * lease is dropped); then their records are removed, and actors with queued messages get a worker.
 * So every accepted message ends as exactly one COMPLETE or ERROR execution. The inboxes of actors
 * that no longer exist are emptied (see `forgetDeleted`). Then what dead executions left is
 * cleaned: their access tokens are revoked, their logs get their expiry.
 * Returns the actors that have messages; with `onlyIfDead`, undefined (and nothing cleaned) when nothing was dead.
 */
async function settle(ctx: EngineContext, deps: RecoveryDeps, dead: Casualties, options: { onlyIfDead?: boolean } = {}): Promise<Actor[] | undefined> {
  const { inbox, pool, runner } = deps;
  const deadWorkers = new Map<string, string>();
  for await (const [key, worker] of ctx.store.scan<Worker>(keys.allWorkers)) if (dead.worker(worker)) deadWorkers.set(worker.id, key);
  const deadHolders = new Set(deadWorkers.keys());
  const withMessages: Actor[] = [];
  for (const name of await inbox.inboxes()) {
    const { tenant, actorId } = actorOfInbox(name);
    const actor = await ctx.store.get<Actor>(keys.actor(tenant, actorId));
    if (!actor) {
      await forgetDeleted(ctx, inbox, name, tenant, actorId);
      continue;
    }
    for (const lease of await inbox.leases(name)) {
      if (!deadHolders.has(lease.holder) && !dead.lease(lease)) continue;
      deadHolders.add(lease.holder);
      const execKey = keys.execution(actor.tenant, actor.id, lease.message.executionId);
      const execution = await ctx.store.get<Execution>(execKey);
      if (execution?.status === 'SUBMITTED') await inbox.release(name, lease);
      else if (execution?.status === 'RUNNING') await runner.fail(actor, lease, execKey, dead.reason);
      else await inbox.ack(name, lease);
    }
    withMessages.push(actor);
  }
  if (options.onlyIfDead && deadHolders.size === 0) return undefined;
  // Records go once their leases are settled, so that a pass cut short leaves them for the next one.
  if (deadWorkers.size > 0) await ctx.store.batch([...deadWorkers.values()].map((key) => ({ type: 'del' as const, key })));
  for (const actor of withMessages) if ((await inbox.length(actor.dbId)) > 0) await pool.ensureOne(actor);
  // Alone on the store, an execution whose worker is not alive here is a dead one's, recorded or not.
  const deadWorker = (workerId: string) => deadHolders.has(workerId) || (deps.solo && !pool.isAlive(workerId));
  const running = async (tenant: string, actorId: string, executionId: string) => {
    const execution = await ctx.store.get<Execution>(keys.execution(tenant, actorId, executionId));
    return execution?.status === 'RUNNING' && execution.workerId !== null && !deadWorker(execution.workerId);
  };
  await revokeDeadTokens(ctx, running);
  await deps.logs.expireOrphans((log) => running(log.tenant, log.actorId, log.executionId));
  return withMessages;
}

/**
 * Empties the inbox of a deleted actor: a message sent as the actor was deleted (its actor read
 * before the deletion began, its write landed after the deletion cleared the actor's executions)
 * is left there with its execution. Leased messages are put back first (a lease whose holder
 * extended it meanwhile stays, for the next pass); then each message is leased here and goes with
 * its execution (record, index entries, count in the actor's tally) in one write, so that a pass cut
 * short leaves the rest, inbox included, for the next. A message whose record is gone (the deletion
 * cleared it as the message landed) may have left index entries: the actor's go before it. Then the
 * tally goes (a pass cut short just before leaves it, which nothing reads).
 */
async function forgetDeleted(ctx: EngineContext, inbox: Inbox, name: string, tenant: string, actorId: string): Promise<void> {
  for (const lease of await inbox.leases(name)) await inbox.release(name, lease);
  let entriesCleared = false; // once a pass: every later write of the actor's entries is a push's, with its record
  for (let lease = await inbox.lease(name, 'recovery'); lease; lease = await inbox.lease(name, 'recovery')) {
    const key = keys.execution(tenant, actorId, lease.message.executionId);
    const execution = await ctx.store.get<Execution>(key);
    if (!execution && !entriesCleared) {
      await clearActorEntries(ctx.store, tenant, actorId);
      entriesCleared = true;
    }
    await inbox.ack(name, lease, execution ? [{ type: 'del', key }, ...indexOps(execution, undefined)] : []);
  }
  await new Tally(ctx.store).clear(executionTally(tenant, actorId));
}

/**
 * The actor an inbox is of: inboxes are named by the actor's db id, `<tenant>_<actor id>` (a
 * tenant's name may hold '_', an actor id never does).
 */
function actorOfInbox(name: string): { tenant: string; actorId: string } {
  const cut = name.lastIndexOf('_');
  return { tenant: name.slice(0, cut), actorId: name.slice(cut + 1) };
}

/** Removes the access tokens of executions that are not running (or ran on a dead worker of this node). */
async function revokeDeadTokens(ctx: EngineContext, running: (tenant: string, actorId: string, executionId: string) => Promise<boolean>): Promise<void> {
  const tenants = new Set<string>();
  for await (const [, actor] of ctx.store.scan<Actor>(keys.allActors)) tenants.add(actor.tenant);
  for (const tenant of tenants) {
    for await (const [key, nonce] of ctx.store.scan<Nonce>(keys.nonces(tenant))) {
      if (nonce.executionId === undefined || nonce.actorId === null) continue;
      if (!(await running(tenant, nonce.actorId, nonce.executionId))) await ctx.store.batch([{ type: 'del', key }]);
    }
  }
}
