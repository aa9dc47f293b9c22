import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError } from '../errors.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import { reachActor } from '../registry/access.js';
import { keys } from '../store/keys.js';
import { topics, type Bus } from '../bus/bus.js';
import type { LogStore } from './logs.js';
import type { ResultQueue } from './results.js';

/** An actor's executions with their totals, as upstream's executions summary. */
export interface ExecutionSummary {
  actor: Actor;
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

  /** Every execution of an actor (oldest first) with totals; READ needed. */
  async list(who: Identity, identifier: string): Promise<ExecutionSummary> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'executions.read');
    const executions: Execution[] = [];
    for await (const [, execution] of this.ctx.store.scan<Execution>(keys.executions(actor.tenant, actor.id))) executions.push(execution);
    executions.sort((a, b) => a.messageReceivedTime.localeCompare(b.messageReceivedTime));
    const total = (field: 'cpu' | 'io' | 'runtime') => executions.reduce((sum, e) => sum + e[field], 0);
    return { actor, executions, totalExecutions: executions.length, totalCpu: total('cpu'), totalIo: total('io'), totalRuntime: total('runtime') };
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
