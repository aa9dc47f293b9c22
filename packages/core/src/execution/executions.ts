import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError } from '../errors.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import { reachActor } from '../registry/access.js';
import { EXECUTION_STATUSES, readEntry, type IndexedExecution } from '../search/execution-index.js';
import { SEARCH_DEFAULT_LIMIT } from '../search/query.js';
import { keys } from '../store/keys.js';
import type { BatchOp, Store } from '../store/store.js';
import { Tally, type Counts } from '../store/tally.js';
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

/** The name of the tally of an actor's executions (see `tallyOps`). */
export const executionTally = (tenant: string, actorId: string): string => `executions/${tenant}/${actorId}`;

/**
 * The tally change that goes with an execution's change from `before` to `after` (undefined: it
 * did not exist / is removed): the actor's count of executions, in all and by status, and their
 * sums of CPU, IO and runtime. Whoever writes an execution writes these in the same batch, so the
 * tally read by the executions summary and /metrics always agrees with the records.
 */
export function tallyOps(before: Execution | undefined, after: Execution | undefined): BatchOp[] {
  const delta: Counts = {};
  const count = (e: Execution | undefined, sign: number) => {
    if (!e) return;
    for (const [field, n] of [['executions', 1], [e.status, 1], ['cpu', e.cpu], ['io', e.io], ['runtime', e.runtime]] as const) {
      delta[field] = (delta[field] ?? 0) + sign * n;
    }
  };
  count(before, -1);
  count(after, 1);
  const e = (after ?? before)!;
  return Tally.deltaOps(executionTally(e.tenant, e.actorId), delta);
}

/** The layout of the tallies; a store with another (or none) has them built again at start. */
const TALLY_VERSION = 1;

/**
 * Makes sure every actor's execution tally counts its executions: on a store written before the
 * tallies existed (no marker, or another version), sums every actor's executions into its tally.
 * Run at engine start, before anything writes executions. Returns how many executions were counted.
 */
export async function buildExecutionTallies(store: Store): Promise<number> {
  if ((await store.get<number>(keys.executionTalliesBuilt)) === TALLY_VERSION) return 0;
  const tally = new Tally(store);
  let counted = 0;
  for await (const [, actor] of store.scan<Actor>(keys.allActors)) {
    const name = executionTally(actor.tenant, actor.id);
    await tally.clear(name);
    let ops: BatchOp[] = [];
    for await (const [, execution] of store.scan<Execution>(keys.executions(actor.tenant, actor.id))) {
      ops.push(...tallyOps(undefined, execution));
      counted++;
      if (ops.length === 1000) await store.batch(ops.splice(0));
    }
    await store.batch(ops);
    await tally.read(name);
  }
  await store.batch([{ type: 'put', key: keys.executionTalliesBuilt, value: TALLY_VERSION }]);
  return counted;
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
    const [counts, executions] = await Promise.all([new Tally(this.ctx.store).read(executionTally(actor.tenant, actor.id)), this.recent(actor, SUMMARY_LIMIT)]);
    const total = (field: string) => counts[field] ?? 0;
    return { actor, executions, totalExecutions: total('executions'), totalCpu: total('cpu'), totalIo: total('io'), totalRuntime: total('runtime') };
  }

  /** The `limit` executions received last, oldest first: the last of each status in the index, merged, then read. */
  private async recent(actor: Actor, limit: number): Promise<Execution[]> {
    const entries: IndexedExecution[] = [];
    for (const status of EXECUTION_STATUSES) {
      const prefix = `${keys.executionsOfActorByStatus(actor.tenant, actor.id)}${status}/`;
      for await (const [key] of this.ctx.store.scan(prefix, { reverse: true, limit })) entries.push(readEntry(key));
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
