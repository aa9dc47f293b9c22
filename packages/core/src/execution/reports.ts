import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { authorize } from '../registry/access.js';
import type { Inbox } from '../inbox/inbox.js';
import type { Actor } from '../model/actor.js';
import type { ExecutionStatus } from '../model/execution.js';
import type { Worker, WorkerStatus } from '../model/worker.js';
import { EXECUTION_STATUSES, readExecutionTally } from '../search/execution-index.js';
import { keys } from '../store/keys.js';
import type { Counts } from '../store/tally.js';

export interface ActorReport {
  actor: Actor;
  workers: Worker[];
  messages: number;
}

export interface ExecutionCounts {
  actorId: string;
  total: number;
  byStatus: Partial<Record<ExecutionStatus, number>>;
  totalCpu: number;
  totalIo: number;
  totalRuntime: number;
}

/** What `GET /actors/v2/utilization` answers. */
export interface Utilization {
  currentActors: number;
  totalActors: number;
  workers: number;
  commandQueue: number;
  runtime: string;
  isolated: boolean;
  images: string[] | null;
}

/** Figures across actors: utilization for everyone, the admin summaries, and the metrics. */
export class Reports {
  constructor(
    private readonly ctx: EngineContext,
    private readonly inbox: Inbox,
  ) {}

  /**
   * Upstream's utilization (actors with workers, all actors, workers, queued commands: none here),
   * plus the runtime actors run on, whether it isolates them from the host, and the images it runs
   * when it cannot pull any (the process runtime's; null for container engines).
   */
  async utilization(who: Identity): Promise<Utilization> {
    let totalActors = 0;
    let currentActors = 0;
    let workers = 0;
    await authorize(this.ctx, who, 'tenant.utilization', { kind: 'tenant' });
    for (const report of await this.reports(who.tenant)) {
      totalActors++;
      if (report.workers.length > 0) currentActors++;
      workers += report.workers.length;
    }
    const { name: runtime, isolated, images } = this.ctx.runtime;
    return { currentActors, totalActors, workers, commandQueue: 0, runtime, isolated, images };
  }

  /** Every actor of the admin's tenant with its workers and queued messages. */
  async actors(who: Identity): Promise<ActorReport[]> {
    await authorize(this.ctx, who, 'tenant.admin', { kind: 'tenant' });
    return this.reports(who.tenant);
  }

  private async reports(tenant: string): Promise<ActorReport[]> {
    const reports: ActorReport[] = [];
    for await (const [, actor] of this.ctx.store.scan<Actor>(keys.actors(tenant))) {
      const workers: Worker[] = [];
      for await (const [, worker] of this.ctx.store.scan<Worker>(keys.workers(actor.tenant, actor.id))) workers.push(worker);
      reports.push({ actor, workers, messages: await this.inbox.length(actor.dbId) });
    }
    return reports;
  }

  /** Executions of every actor of the admin's tenant, counted by status with totals (from each actor's tally). */
  async executions(who: Identity): Promise<ExecutionCounts[]> {
    await authorize(this.ctx, who, 'tenant.admin', { kind: 'tenant' });
    const counts: ExecutionCounts[] = [];
    for await (const [, actor] of this.ctx.store.scan<Actor>(keys.actors(who.tenant))) {
      const tally = await readExecutionTally(this.ctx.store, actor);
      const total = (field: string) => tally[field] ?? 0;
      counts.push({ actorId: actor.id, total: total('executions'), byStatus: byStatus(tally), totalCpu: total('cpu'), totalIo: total('io'), totalRuntime: total('runtime') });
    }
    return counts;
  }

  /**
   * Figures for /metrics across all tenants: queue lengths, workers and executions by status. The
   * executions are counted from each actor's tally: the work is bounded by the actors, not their executions.
   */
  async metrics(): Promise<{ queues: { actor: string; length: number }[]; workers: Partial<Record<WorkerStatus, number>>; executions: Partial<Record<ExecutionStatus, number>> }> {
    const queues: { actor: string; length: number }[] = [];
    const workers: Partial<Record<WorkerStatus, number>> = {};
    const executions: Partial<Record<ExecutionStatus, number>> = {};
    for await (const [, actor] of this.ctx.store.scan<Actor>(keys.allActors)) {
      queues.push({ actor: actor.dbId, length: await this.inbox.length(actor.dbId) });
      for (const [status, n] of Object.entries(byStatus(await readExecutionTally(this.ctx.store, actor))) as [ExecutionStatus, number][]) executions[status] = (executions[status] ?? 0) + n;
    }
    for await (const [, w] of this.ctx.store.scan<Worker>(keys.allWorkers)) workers[w.status] = (workers[w.status] ?? 0) + 1;
    return { queues, workers, executions };
  }
}

/** The statuses a tally counts some executions in. */
function byStatus(tally: Counts): Partial<Record<ExecutionStatus, number>> {
  return Object.fromEntries(EXECUTION_STATUSES.filter((status) => (tally[status] ?? 0) > 0).map((status) => [status, tally[status]!]));
}
