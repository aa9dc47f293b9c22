import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineContext } from '../engine/context.js';
import type { Inbox } from '../inbox/inbox.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import type { Nonce } from '../model/nonce.js';
import type { Worker } from '../model/worker.js';
import { keys } from '../store/keys.js';
import type { LogStore } from './logs.js';
import type { Runner } from './runner.js';
import type { WorkerPool } from './workers.js';

const LOST = 'The engine stopped while this execution was running; its container was lost.';

/**
 * How old a spool file must be before a pass after the first may remove it: a message being
 * accepted writes its file just before it is queued.
 */
const SPOOL_GRACE_MS = 60_000;

export interface RecoveryDeps {
  inbox: Inbox;
  pool: WorkerPool;
  runner: Runner;
  logs: LogStore;
  /** Where binary messages wait for their execution. */
  spoolDir: string;
}

/**
 * Brings the records back in line with the workers alive in this process: at start after the
 * engine died (kill -9 included, `atStart`), and then every `healthCheckIntervalMs` as the health
 * check. Records of workers that are not alive are removed; every message they leased is settled
 * from its execution's status (SUBMITTED: back in the queue, it will run; RUNNING: the execution
 * ends as ERROR, never rerun, since its container may have started and had effects; finished: the
 * lease is dropped); and actors with queued messages get a worker. So every accepted message ends
 * as exactly one COMPLETE or ERROR execution. Then what dead executions left is cleaned: their
 * access tokens are revoked, their logs get their expiry, and spool files of messages no longer
 * queued or leased are removed.
 */
export async function recover(ctx: EngineContext, deps: RecoveryDeps, options: { atStart?: boolean } = {}): Promise<void> {
  const { inbox, pool, runner } = deps;
  for await (const [key, worker] of ctx.store.scan<Worker>(keys.allWorkers)) {
    if (!pool.isAlive(worker.id)) await ctx.store.batch([{ type: 'del', key }]);
  }
  const withMessages: Actor[] = [];
  for (const name of await inbox.inboxes()) {
    const cut = name.lastIndexOf('_');
    const actor = await ctx.store.get<Actor>(keys.actor(name.slice(0, cut), name.slice(cut + 1)));
    for (const lease of await inbox.leases(name)) {
      if (pool.isAlive(lease.holder)) continue;
      const execKey = actor ? keys.execution(actor.tenant, actor.id, lease.message.executionId) : '';
      const execution = actor ? await ctx.store.get<Execution>(execKey) : undefined;
      if (actor && execution?.status === 'SUBMITTED') await inbox.release(name, lease);
      else if (actor && execution?.status === 'RUNNING') await runner.fail(actor, lease, execKey, LOST);
      else await inbox.ack(name, lease);
    }
    if (actor && (await inbox.length(name)) > 0) await pool.ensureOne(actor);
    if (actor) withMessages.push(actor);
    else await inbox.purge(name);
  }
  const runningHere = async (tenant: string, actorId: string, executionId: string) => {
    const execution = await ctx.store.get<Execution>(keys.execution(tenant, actorId, executionId));
    return execution?.status === 'RUNNING' && execution.workerId !== null && pool.isAlive(execution.workerId);
  };
  await revokeDeadTokens(ctx, runningHere);
  await deps.logs.expireOrphans((log) => runningHere(log.tenant, log.actorId, log.executionId));
  await sweepSpool(ctx, deps.spoolDir, withMessages, options.atStart ? 0 : SPOOL_GRACE_MS);
}

/** Removes the access tokens of executions that are not running in a live worker of this engine. */
async function revokeDeadTokens(ctx: EngineContext, runningHere: (tenant: string, actorId: string, executionId: string) => Promise<boolean>): Promise<void> {
  const tenants = new Set<string>();
  for await (const [, actor] of ctx.store.scan<Actor>(keys.allActors)) tenants.add(actor.tenant);
  for (const tenant of tenants) {
    for await (const [key, nonce] of ctx.store.scan<Nonce>(keys.nonces(tenant))) {
      if (nonce.executionId === undefined || nonce.actorId === null) continue;
      if (!(await runningHere(tenant, nonce.actorId, nonce.executionId))) await ctx.store.batch([{ type: 'del', key }]);
    }
  }
}

/**
 * Removes the spool files (`<execution id>.bin`) older than `graceMs` whose message is neither
 * queued nor leased: whose execution, in an actor that has messages, is not SUBMITTED or RUNNING.
 */
async function sweepSpool(ctx: EngineContext, spoolDir: string, withMessages: Actor[], graceMs: number): Promise<void> {
  const files = await readdir(spoolDir).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith('.bin'))) {
    const path = join(spoolDir, file);
    const changed = await stat(path).then((s) => s.ctimeMs, () => undefined);
    if (changed === undefined || ctx.now().getTime() - changed < graceMs) continue;
    const executionId = file.slice(0, -'.bin'.length);
    let waiting = false;
    for (const actor of withMessages) {
      const status = (await ctx.store.get<Execution>(keys.execution(actor.tenant, actor.id, executionId)))?.status;
      if ((waiting = status === 'SUBMITTED' || status === 'RUNNING')) break;
    }
    if (!waiting) await rm(path, { force: true });
  }
}
