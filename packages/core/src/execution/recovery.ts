import type { EngineContext } from '../engine/context.js';
import type { Inbox } from '../inbox/inbox.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import type { Worker } from '../model/worker.js';
import { keys } from '../store/keys.js';
import type { Runner } from './runner.js';
import type { WorkerPool } from './workers.js';

const LOST = 'The engine stopped while this execution was running; its container was lost.';

/**
 * Brings the records back in line with the workers alive in this process: at start after the
 * engine died (kill -9 included), and then every `healthCheckIntervalMs` as the health check.
 * Records of workers that are not alive are removed; every message they leased is settled from
 * its execution's status (SUBMITTED: back in the queue, it will run; RUNNING: the execution ends
 * as ERROR, never rerun, since it may have had effects; finished: the lease is dropped); and actors
 * with queued messages get a worker. So every accepted message ends as exactly one COMPLETE or
 * ERROR execution.
 */
export async function recover(ctx: EngineContext, inbox: Inbox, pool: WorkerPool, runner: Runner): Promise<void> {
  for await (const [key, worker] of ctx.store.scan<Worker>(keys.allWorkers)) {
    if (!pool.isAlive(worker.id)) await ctx.store.batch([{ type: 'del', key }]);
  }
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
    if (!actor) await inbox.purge(name);
  }
}
