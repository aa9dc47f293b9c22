import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError } from '../errors.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import { reachActor } from '../registry/access.js';
import { EXECUTION_STATUSES, firstSightings, readEntry, readExecutionTally, type IndexedExecution } from '../search/execution-index.js';
import { SEARCH_DEFAULT_LIMIT } from '../search/query.js';
import { keys } from '../store/keys.js';
import { topics, type Bus } from '../bus/bus.js';
import type { LogStore } from './logs.js';
import type { ResultQueue } from './results.js';

/** How many executions the summary lists: the most recent ones (the search's `skip` and `limit` page through them all). */
export const SUMMARY_LIMIT = SEARCH_DEFAULT_LIMIT;

/** An actor's most recent executions with the totals of all, as upstream's executions summary. */
export interface ExecutionSummary {
  actor: Actor;
  /** The most recent {@link SUMMARY_LIMIT}, oldest first. */
  executions: Execution[];
  totalExecutions: number;
  totalCpu: number;
  totalIo: number;
  totalRuntime: number;
}

/** Reading executions, their logs and results, and halting them. */
export class ExecutionService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: { bus: Bus; logs: LogStore; results: ResultQueue },
  ) {}

  /**
   * An actor's most recent executions (oldest first) with the totals of all of them, from its tally;
   * READ needed. Its work is bounded by the page, whatever the number of executions.
   */
  async list(who: Identity, identifier: string): Promise<ExecutionSummary> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'executions.read');
    const [counts, executions] = await Promise.all([readExecutionTally(this.ctx.store, actor), this.recent(actor, SUMMARY_LIMIT)]);
    const total = (field: string) => counts[field] ?? 0;
    return { actor, executions, totalExecutions: total('executions'), totalCpu: total('cpu'), totalIo: total('io'), totalRuntime: total('runtime') };
  }

  /** The `limit` executions received last, oldest first: the last of each status in the index, merged, then read. */
  private async recent(actor: Actor, limit: number): Promise<Execution[]> {
    const entries: IndexedExecution[] = [];
    const unseen = firstSightings();
    for (const status of EXECUTION_STATUSES) {
      const prefix = `${keys.executionsOfActorByStatus(actor.tenant, actor.id)}${status}/`;
      for await (const [key] of this.ctx.store.scan(prefix, { reverse: true, limit })) {
        const entry = readEntry(key);
        if (unseen(entry)) entries.push(entry);
      }
    }
    const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    entries.sort((a, b) => byCodeUnit(a.messageReceivedTime, b.messageReceivedTime) || byCodeUnit(a.id, b.id));
    const records = await Promise.all(entries.slice(-limit).map((e) => this.ctx.store.get<Execution>(keys.execution(actor.tenant, actor.id, e.id))));
    return records.filter((e): e is Execution => e !== undefined);
  }

  async get(who: Identity, identifier: string, executionId: string): Promise<{ actor: Actor; execution: Execution }> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'executions.read');
    return { actor, execution: await this.find(actor, executionId) };
  }

  /** The logs so far (a running execution's partial logs too); READ needed. */
  async logs(who: Identity, identifier: string, executionId: string): Promise<{ actor: Actor; execution: Execution; logs: string }> {
    const { actor, execution } = await this.get(who, identifier, executionId);
    return { actor, execution, logs: await this.deps.logs.read(actor, executionId) };
  }

  /** Takes the next result of an execution (empty when there is none); READ needed. */
  async result(who: Identity, identifier: string, executionId: string): Promise<Buffer> {
    const { actor } = await this.get(who, identifier, executionId);
    return (await this.deps.results.pop(actor, executionId)) ?? Buffer.alloc(0);
  }

  /** Kills the container of a RUNNING execution; UPDATE needed. The execution ends COMPLETE, as upstream. */
  async halt(who: Identity, identifier: string, executionId: string): Promise<Execution> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'executions.halt');
    const execution = await this.find(actor, executionId);
    if (execution.status !== 'RUNNING') {
      throw new BadRequestError(`Cannot force quit an execution not in RUNNING status. Execution was found in status: ${execution.status}`);
    }
    await this.deps.bus.publish(topics.halt(actor.dbId, executionId), null);
    return execution;
  }

  private async find(actor: Actor, executionId: string): Promise<Execution> {
    const execution = await this.ctx.store.get<Execution>(keys.execution(actor.tenant, actor.id, executionId));
    if (!execution) throw new BadRequestError(`No executions found with actor id of ${actor.id} and execution id of ${executionId}.`);
    return execution;
  }
}
