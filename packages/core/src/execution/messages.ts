import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { executorIds } from '../engine/settings.js';
import { BadRequestError } from '../errors.js';
import { newId } from '../ids.js';
import type { Inbox } from '../inbox/inbox.js';
import type { Actor } from '../model/actor.js';
import type { ContentType, Execution, QueuedMessage } from '../model/execution.js';
import { reachActor } from '../registry/access.js';
import { isHostLoaderVariable } from '../runtime/host-env.js';
import { changeOps, withIndex } from '../search/execution-index.js';
import { GroupCommit } from '../store/group-commit.js';
import { keys } from '../store/keys.js';
import { UNCHANGED } from '../store/store.js';
import { topics, type Bus } from '../bus/bus.js';
import type { LogStore } from './logs.js';
import type { BinaryPayloads } from './payloads.js';
import type { ResultQueue } from './results.js';
import type { RunEnd, RunEnds } from './run-ends.js';

/** A message for an actor: a string, a JSON value, or bytes (in memory or in a file the engine takes over). */
export type MessageInput =
  | { kind: 'str'; text: string }
  | { kind: 'json'; value: unknown }
  | { kind: 'binary'; data: Buffer }
  | { kind: 'binary'; file: string };

export interface SendOptions {
  /**
   * Query parameters of the request: each becomes an environment variable of the execution (on a
   * runtime that does not isolate actors from the host, loader variables such as LD_PRELOAD are dropped).
   */
  env?: Record<string, string>;
  /** Wait for the execution to finish (`_abaco_synchronous=true`). */
  synchronous?: boolean;
  /** The user who sends it (set by `send`; cron and events have none). */
  sender?: string;
}

/** What a synchronous message answers: the first result, else the logs; or the execution id on timeout. */
export type SyncOutcome = { kind: 'result'; data: Buffer } | { kind: 'logs'; text: string } | { kind: 'timeout' };

export interface Sent {
  execution: Execution;
  sync?: SyncOutcome;
}

export interface MessageDeps {
  inbox: Inbox;
  bus: Bus;
  logs: LogStore;
  results: ResultQueue;
  /**
   * Called after a message is queued, to make sure the actor has a worker. Calls for one actor that
   * come while one runs are made once, after it (each message still waits for a check begun after it
   * was queued), each after one signal on the actor's inbox topic for the messages it covers.
   */
  onQueued: (actor: Actor) => Promise<void>;
  /** Where binary messages wait for their execution. */
  payloads: BinaryPayloads;
  /** How the runs of this node ended, told to the synchronous senders waiting here. */
  ends: RunEnds;
}

/** Messages: send (asynchronous or synchronous), count and purge an actor's inbox. */
export class MessageService {
  /** After messages are queued: one signal to the actor's workers and one worker check per group. */
  private readonly queued: GroupCommit<Actor>;

  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: MessageDeps,
  ) {
    this.queued = new GroupCommit(async (dbId, actors) => {
      await deps.bus.publish(topics.inbox(dbId), null);
      await deps.onQueued(actors[actors.length - 1]!);
    });
  }

  /** Sends a message as `who` (EXECUTE needed): queues an execution and answers with it. */
  async send(who: Identity, identifier: string, input: MessageInput, options: SendOptions = {}): Promise<Sent> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'messages.send');
    if (actor.runAsExecutor && executorIds(this.ctx.settings, actor.tenant, who.user) === undefined) {
      throw new BadRequestError(`This actor runs as the user who sends it a message (run_as_executor), and ${who.user} has no uid:gid in tenant ${actor.tenant}.`);
    }
    if (options.synchronous) {
      const queued = await this.deps.inbox.length(actor.dbId);
      if (queued > this.ctx.settings.syncMaxQueued) {
        throw new BadRequestError(`Cannot issue synchronous execution when actor message queue > ${this.ctx.settings.syncMaxQueued}. The actor has ${queued} queued messages.`);
      }
    }
    const env = Object.entries(options.env ?? {}).filter(([name]) => this.ctx.runtime.isolated || !isHostLoaderVariable(name));
    const execution = await this.enqueue(actor, input, who.user, { ...options, env: Object.fromEntries(env), sender: who.user });
    if (!options.synchronous) return { execution };
    return this.waitFor(actor, execution.id);
  }

  /**
   * Queues a message on an actor without a caller's permission check (cron, events): writes the
   * execution (SUBMITTED) and the inbox entry in one atomic write, then notifies.
   */
  async enqueue(actor: Actor, input: MessageInput, executor: string, options: SendOptions = {}): Promise<Execution> {
    const id = newId();
    const env = checkEnv(options.env ?? {});
    let contentType: ContentType;
    let text: string | null = null;
    let binary: Pick<QueuedMessage, 'binaryPath' | 'binaryStored'> = { binaryPath: null };
    if (input.kind === 'str') {
      contentType = 'str';
      text = input.text;
    } else if (input.kind === 'json') {
      contentType = 'application/json';
      text = JSON.stringify(input.value);
    } else {
      contentType = 'application/octet-stream';
      binary = await this.deps.payloads.keep(actor, id, input);
    }
    const execution: Execution = {
      id,
      tenant: actor.tenant,
      actorId: actor.id,
      apiServer: actor.apiServer,
      executor,
      workerId: null,
      status: 'SUBMITTED',
      statusMessage: '',
      messageReceivedTime: this.ctx.now().toISOString(),
      startTime: null,
      finishTime: null,
      runtime: 0,
      cpu: 0,
      io: 0,
      exitCode: null,
      finalState: null,
      contentType,
    };
    const message: QueuedMessage = { executionId: id, contentType, text, ...binary, env, executor, sender: options.sender, synchronous: options.synchronous ?? false };
    await this.deps.inbox.push(actor.dbId, message, [
      { type: 'put', key: keys.execution(actor.tenant, actor.id, id), value: execution },
      ...changeOps(undefined, execution),
    ]);
    await this.queued.submit(actor.dbId, actor);
    return execution;
  }

  /** How many messages wait in an actor's inbox (READ needed). */
  async count(who: Identity, identifier: string): Promise<{ actor: Actor; messages: number }> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'actor.read');
    return { actor, messages: await this.deps.inbox.length(actor.dbId) };
  }

  /** Empties an actor's inbox (UPDATE needed); the purged messages' executions end as ERROR. */
  async purge(who: Identity, identifier: string): Promise<{ actor: Actor; purged: number }> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'messages.purge');
    const purged = await this.deps.inbox.purge(actor.dbId);
    const finishTime = this.ctx.now().toISOString();
    for (const message of purged) {
      await this.ctx.store.update<Execution>(keys.execution(actor.tenant, actor.id, message.executionId), (e) =>
        e && e.status === 'SUBMITTED' ? withIndex(e, { ...e, status: 'ERROR', statusMessage: `The message was purged from the actor's inbox by ${who.user}.`, finishTime }) : UNCHANGED,
      );
    }
    return { actor, purged: purged.length };
  }

  /** Waits until an execution has finished, then answers with its first result or its logs. */
  private async waitFor(actor: Actor, executionId: string): Promise<Sent> {
    const key = keys.execution(actor.tenant, actor.id, executionId);
    const finished = (e: Execution | undefined) => e === undefined || e.status === 'COMPLETE' || e.status === 'ERROR';
    let wake = () => {};
    // A run of this node tells how it ended (then nothing needs reading); another node's, the bus.
    let told: RunEnd | undefined;
    const unsubscribe = await this.deps.bus.subscribe(topics.finished(actor.dbId, executionId), () => wake());
    const stopWaiting = this.deps.ends.wait(executionId, (end) => ((told = end), wake()));
    const deadline = Date.now() + this.ctx.settings.syncTimeoutMs;
    const read = async () => told?.execution ?? (await this.ctx.store.get<Execution>(key));
    try {
      let execution = await read();
      while (!finished(execution) && Date.now() < deadline) {
        // The notification usually ends the wait; the poll covers one that was missed.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(500, deadline - Date.now()));
          wake = () => (clearTimeout(timer), resolve());
        });
        execution = await read();
      }
      if (!execution) throw new BadRequestError(`Execution ${executionId} disappeared (its actor was deleted).`);
      if (!finished(execution)) return { execution, sync: { kind: 'timeout' } };
      if (told) {
        const result = told.results > 0 ? await this.deps.results.pop(actor, executionId) : undefined;
        return { execution, sync: result ? { kind: 'result', data: result } : { kind: 'logs', text: told.logs } };
      }
      // The logs are read meanwhile (most executions send no result): one wait instead of two. A
      // result taken is answered whatever became of that read.
      const [result, logs] = await Promise.allSettled([this.deps.results.pop(actor, executionId), this.deps.logs.read(actor, executionId)]);
      if (result.status === 'rejected') throw result.reason;
      if (result.value) return { execution, sync: { kind: 'result', data: result.value } };
      if (logs.status === 'rejected') throw logs.reason;
      return { execution, sync: { kind: 'logs', text: logs.value } };
    } finally {
      stopWaiting();
      await unsubscribe();
    }
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function checkEnv(env: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) throw new BadRequestError(`Invalid query parameter '${name}': it becomes an environment variable, so it must start with a letter or '_' and hold only letters, digits, '_', '.' or '-'.`);
    if (typeof value !== 'string' || value.includes('\0')) throw new BadRequestError(`Invalid query parameter '${name}': its value must be text without NUL characters.`);
  }
  return env;
}
