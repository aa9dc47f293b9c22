import { join } from 'node:path';
import type { EngineContext } from '../engine/context.js';
import type { Inbox, Lease } from '../inbox/inbox.js';
import type { Actor } from '../model/actor.js';
import type { Execution, QueuedMessage } from '../model/execution.js';
import { executorIds } from '../engine/settings.js';
import type { Worker } from '../model/worker.js';
import type { ConfigRegistry } from '../registry/configs.js';
import type { NonceRegistry } from '../registry/nonces.js';
import type { StateStore } from '../registry/state.js';
import type { BindMount, ContainerRuntime, ContainerSpec, ExitInfo, RunningContainer } from '../runtime/runtime.js';
import { changeOps } from '../search/execution-index.js';
import { keys } from '../store/keys.js';
import { UNCHANGED, type BatchOp } from '../store/store.js';
import { topics, type Bus } from '../bus/bus.js';
import { executionEnv } from './context.js';
import type { EventDispatcher } from './events.js';
import { fileOwner, type IoRelay } from './io-relay.js';
import type { LogStore } from './logs.js';
import type { BinaryPayloads } from './payloads.js';
import type { ResultQueue } from './results.js';
import type { RunEnd, RunEnds } from './run-ends.js';
import { parseMemory } from './memory.js';

export interface RunnerDeps {
  runtime: ContainerRuntime;
  inbox: Inbox;
  bus: Bus;
  relay: IoRelay;
  logs: LogStore;
  results: ResultQueue;
  payloads: BinaryPayloads;
  configs: ConfigRegistry;
  state: StateStore;
  nonces: NonceRegistry;
  events: EventDispatcher;
  /** Synchronous senders waiting on this node, told how a run ended. */
  ends: RunEnds;
  /** A short folder for results sockets and FIFOs (Unix socket paths are limited to 108 bytes). */
  ioDir: string;
  /** Labels every container, see `Abaco.installation()`. */
  installation: string;
}

/** Why an execution whose worker lost it (its node died or stalled past its lease) ends as ERROR. */
export const NODE_LOST = 'the node running this execution was lost';

/** How long the output of an exited container may still take to arrive. */
const LOGS_GRACE_MS = 2000;

/** How a run went, for the worker: whether the container could be started at all. */
export type RunOutcome = 'finished' | 'start-failed' | 'skipped';

/** How a run went, and the id of its container when the worker's record is yet to take it (see CID_AFTER_MS). */
export interface RunResult {
  outcome: RunOutcome;
  cid?: string;
}

/**
 * How long a container runs before its id is written on its worker's record; the id of one that
 * ends sooner goes with the worker's READY (one write less for most executions).
 */
const CID_AFTER_MS = 1000;

/** Runs one leased message: one fresh container, from context to finalized execution. */
export class Runner {
  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: RunnerDeps,
  ) {}

  async run(actor: Actor, workerId: string, lease: Lease): Promise<RunResult> {
    const { message } = lease;
    const execKey = keys.execution(actor.tenant, actor.id, message.executionId);
    const execution = await this.ctx.store.get<Execution>(execKey);
    if (!execution || execution.status !== 'SUBMITTED') return this.settleTaken(actor, lease, execKey, execution);
    // Each lease has a results socket of its own: a run that loses its claim closes only its own.
    const resultsId = `r-${lease.token}`;
    const socketPath = join(this.deps.ioDir, `${execution.id}-${lease.token}.sock`);
    const fifoPath = join(this.deps.ioDir, `${execution.id}.fifo`);
    const mounts: BindMount[] = [{ hostPath: socketPath, containerPath: '/_abaco_results.sock', readOnly: false }];
    const log = this.deps.logs.writer(actor, execution.id);
    const pendingResults: Promise<void>[] = [];
    let container: RunningContainer | undefined;
    let token: string | null = null;
    let tokenIssued: Promise<unknown> | undefined;
    let halted = false;
    let resultsBound: Promise<void> | undefined;
    let cidTimer: NodeJS.Timeout | undefined;
    /** The write of the container id on the worker's record, once begun: whether it was made. */
    let cidWritten: Promise<boolean> | undefined;
    /** A run whose container started: the worker's READY takes its id if it was not written. */
    const finished = async (): Promise<RunResult> => ({ outcome: 'finished', ...((await cidWritten) ? {} : { cid: container!.id }) });
    // Listen for a halt from the start: one that comes before the container is up kills it as soon as it is.
    const stopHalt = await this.deps.bus.subscribe(topics.halt(actor.dbId, execution.id), () => {
      halted = true;
      void container?.kill();
    });
    let claimed = false;
    // The access token is revoked in the write that ends the execution (valid only while it runs),
    // or at the very end if that write was not made or came before the token (`revokedAtEnd`).
    let revokedAtEnd: string | null = null;
    const endOps = async () => {
      revokedAtEnd = token;
      return [...(await log.finishOps(this.deps.logs.ttlSeconds(actor))), ...(token ? this.deps.nonces.revokeOps(actor, token) : [])];
    };
    try {
      const user = this.containerUser(actor, message);
      // Given while the message is claimed.
      resultsBound = this.deps.relay.openResults(resultsId, socketPath, fileOwner(user), (data) => {
        pendingResults.push(this.deps.results.push(actor, execution.id, data));
      });
      resultsBound.catch(() => {}); // seen by the awaits below
      // RUNNING before the container starts: if the engine dies from here on, recovery ends the
      // execution as ERROR and never runs it again (its container may have started and had effects).
      // Written with the lease's extension, only while this worker still holds the lease (it may have
      // stalled past its time to live, or its actor been deleted: that drops its leases): while it
      // does, nothing else changes the SUBMITTED execution read above.
      const started: Execution = { ...execution, status: 'RUNNING', workerId, startTime: this.ctx.now().toISOString() };
      claimed = await this.deps.inbox.extend(actor.dbId, lease, this.ctx.settings.leaseTtlMs, [{ type: 'put', key: execKey, value: started }, ...changeOps(execution, started)]);
      if (!claimed) return await this.settleTaken(actor, lease, execKey, await this.ctx.store.get<Execution>(execKey));
      const binary = await this.deps.payloads.localFile(actor, message);
      if (actor.token) tokenIssued = this.deps.nonces.issueExecutionToken(actor, execution.id).then((issued) => (token = issued));
      // The helper's sockets and the records the context needs, all at once.
      const [state, configs] = await Promise.all([
        this.deps.state.current(actor),
        this.deps.configs.configsFor(actor),
        resultsBound,
        binary !== undefined && this.deps.relay.openFifo(`f-${execution.id}`, fifoPath, binary, fileOwner(user)),
        tokenIssued,
      ]);
      if (binary !== undefined) mounts.push({ hostPath: fifoPath, containerPath: '/_abaco_binary_data', readOnly: true });
      mounts.push(...actor.mounts.map((m) => ({ hostPath: m.host_path, containerPath: m.container_path, readOnly: m.mode !== 'rw' })));
      const env = executionEnv({ actor, workerId, executionId: execution.id, message, state, configs, accessToken: token ?? '' });
      container = await this.deps.runtime.run({
        image: actor.image,
        env,
        mounts,
        user,
        ...this.limits(actor),
        privileged: actor.privileged,
        network: this.ctx.settings.network,
        labels: { 'abaco.installation': this.deps.installation, 'abaco.actor': actor.dbId, 'abaco.worker': workerId, 'abaco.execution': execution.id },
      });
      const running = container;
      if (halted) await running.kill();
      cidTimer = setTimeout(() => {
        // A failed write leaves the id to the worker's READY; it fails nothing else.
        cidWritten = this.ctx.store.update<Worker>(keys.worker(actor.tenant, actor.id, workerId), (w) => (w ? { ...w, cid: running.id } : UNCHANGED)).then(
          () => true,
          () => false,
        );
      }, CID_AFTER_MS);
      cidTimer.unref();
      const logsRead = (async () => {
        for await (const chunk of running.logs) log.append(chunk.text);
      })();
      const exit = await running.wait();
      clearTimeout(cidTimer);
      // The output normally ends with the container; a backend stream that does not is not waited for.
      await Promise.race([logsRead, new Promise((resolve) => setTimeout(resolve, LOGS_GRACE_MS).unref())]);
      resultsBound = undefined;
      const [usage] = await Promise.all([running.usage(), this.deps.relay.closeResults(resultsId), cidWritten]);
      await Promise.all(pendingResults);
      const ops = await endOps();
      if (!(await this.finalize(actor, lease, execKey, exit, usage, ops, { results: pendingResults.length, logs: log.written }))) revokedAtEnd = null;
      return await finished();
    } catch (e) {
      clearTimeout(cidTimer);
      const reason = (e as Error).message;
      this.ctx.log.warn({ err: e, execution: execution.id }, 'execution failed');
      const failure = container ? `Execution failed: ${reason}` : `Could not start the container: ${reason}`;
      log.append(`${failure}\n`);
      // Settled here (it may have failed before its claim, e.g. with no user to run as): its payload goes below.
      if (await this.fail(actor, lease, execKey, failure, await endOps())) claimed = true;
      else revokedAtEnd = null;
      return container ? await finished() : { outcome: 'start-failed' };
    } finally {
      if (resultsBound) await resultsBound.then(() => this.deps.relay.closeResults(resultsId)).catch(() => {});
      await stopHalt();
      await tokenIssued?.catch(() => {});
      if (token && token !== revokedAtEnd) await this.deps.nonces.revokeExecutionToken(actor, token);
      if (claimed && (message.binaryPath !== null || message.binaryStored)) {
        this.deps.relay.closeFifo(`f-${execution.id}`);
        await this.deps.payloads.drop(actor, message);
      }
      if (container && !this.ctx.settings.leaveContainers) await container.remove().catch(() => {});
    }
  }

  /**
   * The `uid:gid` a container runs as: with `runAsExecutor`, the sender's (the owner's for cron and
   * events) from the setting `runAsExecutor`; else the actor's (`uid`/`gid`), else its owner's
   * (setting `userIds`), else `defaultContainerUser`; none (the image's user) with `useContainerUid`.
   */
  private containerUser(actor: Actor, message: QueuedMessage): string | undefined {
    if (actor.useContainerUid) return undefined;
    if (actor.runAsExecutor) {
      const user = message.sender ?? actor.owner;
      const ids = executorIds(this.ctx.settings, actor.tenant, user);
      if (ids === undefined) throw new Error(`run_as_executor: ${user} has no uid:gid in tenant ${actor.tenant} (setting runAsExecutor).`);
      return ids;
    }
    if (actor.uid) return `${actor.uid}:${actor.gid ?? actor.uid}`;
    const { userIds, defaultContainerUser } = this.ctx.settings;
    return Object.hasOwn(userIds, actor.owner) ? userIds[actor.owner] : (defaultContainerUser ?? undefined);
  }

  /**
   * The limits and privileges of a container: the actor's memory and CPU limits (privileged users
   * set them) over the settings' defaults, the pids limit, and for actors that are not privileged,
   * no capability and no-new-privileges.
   */
  private limits(actor: Actor): Pick<ContainerSpec, 'memoryBytes' | 'nanoCpus' | 'pidsLimit' | 'capabilities' | 'noNewPrivileges'> {
    const { containerMemLimit, containerMaxCpus, containerPidsLimit } = this.ctx.settings;
    const memLimit = actor.memLimit ?? containerMemLimit;
    return {
      memoryBytes: memLimit ? parseMemory(memLimit) : undefined,
      nanoCpus: actor.maxCpus ?? containerMaxCpus ?? undefined,
      pidsLimit: containerPidsLimit,
      ...(actor.privileged ? {} : { capabilities: [], noNewPrivileges: true }),
    };
  }

  /**
   * Settles a leased message whose execution is not SUBMITTED: gone or finished, the message is
   * dropped; RUNNING, a worker that held it before started it and then lost its lease (its node
   * stalled or died): the execution ends as ERROR, never run again. A lease this worker no longer
   * holds changes nothing (its ack is refused).
   */
  private async settleTaken(actor: Actor, lease: Lease, key: string, execution: Execution | undefined): Promise<RunResult> {
    if (execution?.status === 'RUNNING') await this.fail(actor, lease, key, NODE_LOST);
    else await this.deps.inbox.ack(actor.dbId, lease);
    return { outcome: 'skipped' };
  }

  /**
   * Records the end of an execution with what ends with it (`endOps`: its whole log, its token's
   * revocation), and acknowledges its message, in one atomic write; tells whether it was made.
   * `run` is what a synchronous sender waiting here is told with the ended execution (see RunEnds).
   */
  private async finalize(actor: Actor, lease: Lease, key: string, exit: ExitInfo, usage: { cpu: number; io: number }, endOps: BatchOp[], run: Omit<RunEnd, 'execution'>): Promise<boolean> {
    const { StartedAt, FinishedAt } = exit.finalState;
    return this.end(actor, lease, key, endOps, run, (execution) => ({
      ...execution,
      status: 'COMPLETE',
      statusMessage: exit.killed ? 'Execution was halted (force quit).' : exit.oomKilled ? 'The container ran out of memory.' : '',
      finishTime: this.ctx.now().toISOString(),
      runtime: Math.max(0, Math.round((Date.parse(FinishedAt) - Date.parse(StartedAt)) / 1000)),
      cpu: usage.cpu,
      io: usage.io,
      exitCode: exit.exitCode,
      finalState: exit.finalState,
    }));
  }

  /** Records an execution as ERROR with its reason (and what ends with it, `endOps`, as for `finalize`), and acknowledges its message, atomically; tells whether it was made. */
  async fail(actor: Actor, lease: Lease, key: string, reason: string, endOps: BatchOp[] = []): Promise<boolean> {
    return this.end(actor, lease, key, endOps, undefined, (execution) => ({ ...execution, status: 'ERROR', statusMessage: reason, finishTime: this.ctx.now().toISOString(), exitCode: execution.exitCode ?? 'undetermined' }));
  }

  /**
   * Writes the execution as `ending` makes it, with `endOps`, and acknowledges its message, in one
   * atomic write, then announces it; an execution gone (its actor deleted) leaves the ack and
   * `endOps`. A lease taken back meanwhile (the execution settled as lost) is not acknowledged: its
   * record is the settler's. Tells whether the write was made. A sender waiting here is told of
   * `run` with the ended execution, before the announcement.
   */
  private async end(actor: Actor, lease: Lease, key: string, endOps: BatchOp[], run: Omit<RunEnd, 'execution'> | undefined, ending: (execution: Execution) => Execution): Promise<boolean> {
    const execution = await this.ctx.store.get<Execution>(key);
    if (!execution) return this.deps.inbox.ack(actor.dbId, lease, endOps);
    const ended = ending(execution);
    const acked = await this.deps.inbox.ack(actor.dbId, lease, [{ type: 'put', key, value: ended }, ...changeOps(execution, ended), ...endOps]);
    if (!acked) return false;
    if (run) this.deps.ends.ended({ execution: ended, ...run });
    await this.announce(actor, ended);
    return true;
  }

  private async announce(actor: Actor, execution: Execution): Promise<void> {
    await this.deps.bus.publish(topics.finished(actor.dbId, execution.id), execution);
    this.deps.events.executionComplete(actor, execution);
  }
}

